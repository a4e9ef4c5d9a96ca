/** Renders the size table printed by `npm run size`. */
import { markdownTable } from "../markdown-table.js";
import type { BudgetStatus } from "./budget.js";

export interface SizeRow {
  name: string;
  minBytes: number;
  gzipBytes: number;
  upstreamGzipBytes: number | undefined;
  budget: number | undefined;
  status: BudgetStatus;
}

const HEADER = [
  "consumer",
  "ours min",
  "ours gzip",
  "upstream gzip",
  "ratio",
  "budget (gzip)",
  "status",
];
const STATUS_LABEL: Record<BudgetStatus, string> = { ok: "ok", over: "OVER", missing: "no budget" };
const NONE = "-";

const bytes = (n: number | undefined): string =>
  n === undefined ? NONE : `${n.toLocaleString("en-US")} B`;

/** A Markdown table: readable in a terminal and pasteable into a PR. */
export function formatTable(rows: readonly SizeRow[]): string {
  const cells = rows.map((row) => [
    row.name,
    bytes(row.minBytes),
    bytes(row.gzipBytes),
    bytes(row.upstreamGzipBytes),
    row.upstreamGzipBytes === undefined
      ? NONE
      : `${(row.gzipBytes / row.upstreamGzipBytes).toFixed(2)}x`,
    bytes(row.budget),
    STATUS_LABEL[row.status],
  ]);
  return markdownTable(HEADER, cells);
}
