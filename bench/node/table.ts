/** The human-readable report: header, one table, footnotes. */
import { markdownTable } from "../markdown-table.js";
import { formatNumber } from "./stats.js";
import type { SummaryRow } from "./results.js";

export interface ReportHeader {
  title: string;
  lines: string[];
}

const COLUMNS = [
  "scenario",
  "unit",
  "ours median",
  "upstream median",
  "ours/upstream (<1: ours better)",
  "fetch median",
  "ours/fetch",
] as const;

function cell(
  row: SummaryRow,
  name: "ours" | "upstream" | "fetch",
  marks: Map<string, number>,
): string {
  const reason = row.unsupported[name];
  if (reason !== undefined) return `n/a [${footnoteMark(marks, reason)}]`;
  const value = row.median[name];
  return value === null ? "n/a" : formatNumber(value);
}

function footnoteMark(marks: Map<string, number>, reason: string): number {
  let mark = marks.get(reason);
  if (mark === undefined) {
    mark = marks.size + 1;
    marks.set(reason, mark);
  }
  return mark;
}

/** "0.80 (1.25x faster)": the ratio and what it means for ours. */
export function describeRatio(value: number | null, unit: string): string {
  if (value === null) return "n/a";
  const better = unit === "MiB" ? "less" : "faster";
  const worse = unit === "MiB" ? "more" : "slower";
  if (value <= 1) return `${value.toFixed(2)} (${(1 / value).toFixed(2)}x ${better})`;
  return `${value.toFixed(2)} (${value.toFixed(2)}x ${worse})`;
}

export function renderTable(
  header: ReportHeader,
  rows: readonly SummaryRow[],
  notes: readonly string[],
): string {
  const marks = new Map<string, number>();
  const body = rows.map((row) => [
    row.label,
    row.unit,
    cell(row, "ours", marks),
    cell(row, "upstream", marks),
    describeRatio(row.oursOverUpstream, row.unit),
    cell(row, "fetch", marks),
    row.oursOverFetch === null ? "n/a" : `${row.oursOverFetch.toFixed(2)}x`,
  ]);
  const out = [header.title, ...header.lines, ""];
  out.push(markdownTable(COLUMNS, body, 2));
  out.push("");
  for (const [reason, mark] of marks) out.push(`[${mark}] n/a: ${reason}`);
  for (const note of notes) out.push(`- ${note}`);
  return out.join("\n");
}
