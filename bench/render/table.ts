import { markdownTable } from "../markdown-table.js";
import type { VariantResult } from "./variant.js";

const HEADERS = [
  "variant",
  "renders/s",
  "tokens written",
  "tokens lost",
  "longest task ms",
  "longest frame gap ms",
  "tail latency ms",
  "layout ms",
  "script ms",
] as const;

function fixed(value: number | undefined, digits: number): string {
  return value === undefined ? "n/a" : value.toFixed(digits);
}

/** The results as a Markdown table (readable in a terminal, pasteable into a PR). */
export function formatTable(results: readonly VariantResult[]): string {
  const rows = results.map((r) => [
    r.variant,
    fixed(r.rendersPerSecond, 1),
    r.tokensWritten.toLocaleString("en"),
    String(r.tokensLost),
    // Chromium reports only tasks over 50 ms, so "none" is "under 50", not 0.
    r.longTasks === 0 ? "<50" : fixed(r.longestTaskMs, 0),
    fixed(r.longestFrameGapMs, 1),
    fixed(r.tailLatencyMs, 1),
    fixed(r.mainThread.layoutMs, 0),
    fixed(r.mainThread.scriptMs, 0),
  ]);
  return markdownTable(HEADERS, rows);
}

/** What the table leaves out but a reader needs to trust it: transport, pacing, machine load. */
export function formatNotes(results: readonly VariantResult[], loadAverages: string): string {
  const lines = results.map(
    (r) =>
      `${r.variant}: ${r.commits} commits, ${r.reads} stream reads (long-polls) in ` +
      `${r.streamingSeconds.toFixed(2)} s; ${r.longTasks} long tasks; ` +
      `tail to commit ${fixed(r.tailCommitLatencyMs, 1)} ms; ` +
      `writer's longest pause ${r.writer.longestBurstGapMs.toFixed(0)} ms; ` +
      `clock uncertainty ${r.clockUncertaintyMs.toFixed(1)} ms; main thread: ` +
      `${r.mainThread.taskMs.toFixed(0)} ms in tasks, ${r.mainThread.styleMs.toFixed(0)} ms style`,
  );
  return [...lines, `load average (1 min) before/after: ${loadAverages}`].join("\n");
}
