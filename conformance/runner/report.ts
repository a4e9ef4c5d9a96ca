import { CATEGORIES, type CaseOutcome, type Category } from "./types.js";

const LABEL: Record<CaseOutcome["status"], string> = {
  pass: "pass",
  fail: "FAIL",
  skip: "skip",
  deviation: "deviation",
};

/** One line per case: id, pass/FAIL/skip/deviation and, on failure, the step and reason. */
export function caseLine(o: CaseOutcome): string {
  const head = `${LABEL[o.status].padEnd(9)} ${o.test.id}`;
  const time = `(${Math.round(o.durationMs)} ms)`;
  switch (o.status) {
    case "pass":
      return `${head} ${time}`;
    case "fail":
      return `${head} ${time} — ${o.failure?.step ?? "?"}: ${o.failure?.reason ?? "?"}`;
    case "skip":
      return `${head} (${o.note ?? "skipped"})`;
    case "deviation":
      return o.failure === undefined
        ? `${head} ${time} — known deviation, but it PASSED: remove it from known-deviations.ts (${o.note ?? ""})`
        : `${head} ${time} — known deviation: ${o.note ?? ""} [${o.failure.step}: ${o.failure.reason}]`;
  }
}

export interface Totals {
  passed: number;
  failed: number;
  skipped: number;
  deviations: number;
}

export function totals(outcomes: readonly CaseOutcome[]): Totals {
  const t: Totals = { passed: 0, failed: 0, skipped: 0, deviations: 0 };
  for (const o of outcomes) {
    if (o.status === "pass") t.passed++;
    else if (o.status === "fail") t.failed++;
    else if (o.status === "skip") t.skipped++;
    else t.deviations++;
  }
  return t;
}

/**
 * The closing lines: failed ids, a summary per suite (category), then
 * `skipped: S, known deviations: D` and, last, exactly `N passed, M failed`.
 */
export function summaryLines(
  outcomes: readonly CaseOutcome[],
  notRun: number,
  durationMs: number,
): string[] {
  const lines: string[] = [""];
  const failed = outcomes.filter((o) => o.status === "fail");
  if (failed.length > 0) {
    lines.push(`Failed cases (${failed.length}):`);
    for (const o of failed) lines.push(`  ${o.test.id} (${o.test.file})`);
    lines.push("");
  }
  lines.push("Summary by suite:");
  const present = new Set<Category>(outcomes.map((o) => o.test.category));
  for (const category of CATEGORIES) {
    if (!present.has(category)) continue;
    const t = totals(outcomes.filter((o) => o.test.category === category));
    lines.push(
      `  ${category.padEnd(10)} ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped, ${t.deviations} known deviations`,
    );
  }
  if (present.size === 0) lines.push("  (no cases selected)");
  if (notRun > 0) lines.push(`  ${notRun} case(s) not run (--fail-fast stopped the run)`);
  lines.push(`Duration: ${(durationMs / 1000).toFixed(1)} s`);
  const t = totals(outcomes);
  lines.push(`skipped: ${t.skipped}, known deviations: ${t.deviations}`);
  lines.push(`${t.passed} passed, ${t.failed} failed`);
  return lines;
}
