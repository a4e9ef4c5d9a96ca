import { markdownTable } from "../markdown-table.js";
import { describeConfig, type RunConfig, type RunResult } from "./measure.js";

/** The `q` quantile (0..1) of `values`, interpolated between the two nearest ranks. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below]!;
  return low + (sorted[above]! - low) * (position - below);
}

/** A run's outcome: measured, or failed with a reason. */
export type RunOutcome =
  | { readonly ok: true; readonly result: RunResult }
  | { readonly ok: false; readonly config: RunConfig; readonly reason: string };

const HEADERS = [
  "tabs",
  "crossTab",
  "live requests peak",
  "live requests started",
  "latency p50 ms",
  "latency p95 ms",
  "worst tab p50 ms",
] as const;

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : "n/a");

function row(outcome: RunOutcome): string[] {
  const config = outcome.ok ? outcome.result.config : outcome.config;
  const head = [String(config.tabs), config.crossTab ? "on" : "off"];
  if (!outcome.ok) return [...head, "failed", "failed", "-", "-", "-"];
  const { live, latencies } = outcome.result;
  const all = latencies.flat();
  const worstTab = Math.max(...latencies.map((tab) => quantile(tab, 0.5)));
  return [
    ...head,
    String(live.peak),
    String(live.started),
    ms(quantile(all, 0.5)),
    ms(quantile(all, 0.95)),
    ms(worstTab),
  ];
}

/** The results as a Markdown table (padded for a terminal), with notes under it. */
export function renderReport(
  outcomes: readonly RunOutcome[],
  header: readonly string[],
  notes: readonly string[],
): string {
  const table = markdownTable(HEADERS, outcomes.map(row), 2);
  const skews = outcomes.flatMap((outcome) => (outcome.ok ? [outcome.result.clockSkewMs] : []));
  const extra = [...notes];
  if (skews.length > 0) {
    extra.push(
      `Largest |performance.timeOrigin + performance.now() − Date.now()| in any page: ` +
        `${Math.max(...skews).toFixed(1)} ms (how far the page clock and Node's may disagree).`,
    );
  }
  const slowest = outcomes.flatMap((outcome) =>
    outcome.ok ? [Math.min(...outcome.result.frameRates)] : [],
  );
  if (slowest.length > 0) {
    extra.push(
      `Slowest tab's animation frames per second, measured once all tabs were live, per ` +
        `measured run in table order: ${slowest.join(", ")} (about 60 when nothing throttles a tab).`,
    );
  }
  for (const outcome of outcomes) {
    if (!outcome.ok) extra.push(`FAILED (${describeConfig(outcome.config)}): ${outcome.reason}`);
  }
  return [...header, "", table, "", ...extra.map((note) => `- ${note}`)].join("\n");
}
