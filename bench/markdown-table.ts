/**
 * A Markdown table, padded so that it also reads well in a terminal: the
 * first `textColumns` columns left-aligned (labels), the rest right-aligned
 * (numbers). Shared by every benchmark report.
 */
export function markdownTable(
  header: readonly string[],
  rows: ReadonlyArray<readonly string[]>,
  textColumns = 1,
): string {
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]?.length ?? 0)),
  );
  const isText = (column: number) => column < textColumns;
  const pad = (cell: string, column: number) =>
    isText(column) ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!);
  const line = (cells: readonly string[]) => `| ${cells.map(pad).join(" | ")} |`;
  const rule = widths.map((width, column) =>
    isText(column) ? `:${"-".repeat(width + 1)}` : `${"-".repeat(width + 1)}:`,
  );
  return [line(header), `|${rule.join("|")}|`, ...rows.map(line)].join("\n");
}
