/** Renders the size table printed by `npm run size`. */
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

/** A Markdown table: readable in a terminal and pasteable into a PR. Numbers right-aligned. */
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
  const widths = HEADER.map((title, i) =>
    Math.max(title.length, ...cells.map((line) => line[i]?.length ?? 0)),
  );
  // The first column is text (left-aligned), the rest numbers or short words (right-aligned).
  const line = (values: readonly string[]): string =>
    `| ${values
      .map((value, i) => (i === 0 ? value.padEnd(widths[i] ?? 0) : value.padStart(widths[i] ?? 0)))
      .join(" | ")} |`;
  const rule = `|${widths.map((w, i) => (i === 0 ? `:${"-".repeat(w + 1)}` : `${"-".repeat(w + 1)}:`)).join("|")}|`;
  return [line(HEADER), rule, ...cells.map(line)].join("\n");
}
