import { markdownTable } from "../../markdown-table.js";
import type { LongResult } from "./variant.js";
import type { WindowResult } from "./steady.js";

const HEADERS = [
  "variant",
  "at",
  "busy ms/s",
  "layout ms/commit",
  "script ms/commit",
  "renders/s",
  "heap after GC",
  "heap / content",
] as const;

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

function size(result: LongResult, window: WindowResult): string {
  return result.view === "list" || result.view === "virtual-list"
    ? `${window.lengthAtStart.toLocaleString("en")} msgs`
    : `${(window.lengthAtStart / 1000).toFixed(0)} KB`;
}

/** Two rows per variant: the window at the start length and the one at the end length. */
export function formatLongTable(results: readonly LongResult[]): string {
  const rows = results.flatMap((result) =>
    [result.start, result.end].map((window, index) => [
      index === 0 ? result.label : "",
      size(result, window),
      window.busyMsPerSecond.toFixed(0),
      window.layoutMsPerCommit.toFixed(2),
      window.scriptMsPerCommit.toFixed(2),
      window.rendersPerSecond.toFixed(1),
      index === 1 ? mib(result.heapBytes) : "",
      index === 1 ? `${(result.heapBytes / result.contentBytes).toFixed(2)}x` : "",
    ]),
  );
  return markdownTable(HEADERS, rows, 2);
}

/** One line per checked bound, PASS, FAIL or INFO (reported, not held to it), and the failures that make a row wrong. */
export function formatLongVerdicts(results: readonly LongResult[]): string {
  return results
    .flatMap((result) => [
      ...result.verdicts.map((v) =>
        v.unbounded
          ? `INFO ${result.label}: ${v.name} ${v.value.toFixed(2)} (not held to ${v.max}: ${v.unbounded})`
          : `${v.pass ? "PASS" : "FAIL"} ${result.label}: ${v.name} ${v.value.toFixed(2)} (max ${v.max})`,
      ),
      ...result.failures.map((failure) => `FAIL ${result.label}: ${failure}`),
    ])
    .join("\n");
}
