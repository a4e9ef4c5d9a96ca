/** The consumer programs measured, each paired with its upstream equivalent where one exists. */
import { fileURLToPath } from "node:url";

export interface Consumer {
  /** Row label and budget.json key: the file name of the consumer, without extension. */
  name: string;
  /** Our consumer program. */
  entry: string;
  /** The upstream client doing the same job; the React layer has no upstream counterpart. */
  upstreamEntry?: string;
  /** Strings the bundle must hold (`true`) or must not (`false`): what tree-shaking keeps out. */
  markers?: Readonly<Record<string, boolean>>;
}

/** A string only the devtools panel's code holds (an attribute name: minifiers keep it). */
const DEVTOOLS_MARKER = "data-durable-streams-devtools";

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
  { name: "react-reader", entry: consumer("react-reader.tsx") },
  // An app that does not import the devtools entry does not bundle it.
  { name: "react-app", entry: consumer("react-app.tsx"), markers: { [DEVTOOLS_MARKER]: false } },
  { name: "react-all", entry: consumer("react-all.ts") },
  { name: "react-virtual-list", entry: consumer("react-virtual-list.tsx") },
  {
    name: "react-devtools",
    entry: consumer("react-devtools.tsx"),
    markers: { [DEVTOOLS_MARKER]: true },
  },
];
