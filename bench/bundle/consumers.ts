/** The consumer programs measured, each paired with its upstream equivalent where one exists. */
import { fileURLToPath } from "node:url";

export interface Consumer {
  /** Row label and budget.json key: the file name of the consumer, without extension. */
  name: string;
  /** Our consumer program. */
  entry: string;
  /** The upstream client doing the same job; the React layer has no upstream counterpart. */
  upstreamEntry?: string;
}

const consumer = (file: string): string =>
  fileURLToPath(new URL(`./consumers/${file}`, import.meta.url));

export const CONSUMERS: readonly Consumer[] = [
  {
    name: "client-read",
    entry: consumer("client-read.ts"),
    upstreamEntry: consumer("upstream-read.ts"),
  },
  {
    name: "client-producer",
    entry: consumer("client-producer.ts"),
    upstreamEntry: consumer("upstream-producer.ts"),
  },
  { name: "react-app", entry: consumer("react-app.tsx") },
  { name: "react-all", entry: consumer("react-all.ts") },
  { name: "react-virtual-list", entry: consumer("react-virtual-list.tsx") },
];
