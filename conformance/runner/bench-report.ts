import type { BenchFormat } from "./bench-args.js";
import type { BenchRun, ScenarioResult } from "./bench-main.js";
import type { CriterionCheck, LatencyStats, ThroughputStats } from "./bench-stats.js";

/** The report of a benchmark run (ADAPTER.md §10) in the three output formats. */

export interface BenchTotals {
  passed: number;
  failed: number;
  errors: number;
  skipped: number;
}

export function benchTotals(results: readonly ScenarioResult[]): BenchTotals {
  const t: BenchTotals = { passed: 0, failed: 0, errors: 0, skipped: 0 };
  for (const r of results) {
    const s = r.verdict.status;
    if (s === "pass") t.passed++;
    else if (s === "fail") t.failed++;
    else if (s === "error") t.errors++;
    else t.skipped++;
  }
  return t;
}

/** 1 when a scenario failed its criteria or errored, else 0 (skips do not fail a run). */
export function benchExitCode(results: readonly ScenarioResult[]): number {
  const t = benchTotals(results);
  return t.failed > 0 || t.errors > 0 ? 1 : 0;
}

export function renderReport(run: BenchRun, format: BenchFormat): string[] {
  switch (format) {
    case "console":
      return consoleReport(run);
    case "markdown":
      return markdownReport(run);
    case "json":
      return [JSON.stringify(jsonReport(run), finiteOrNull, 2)];
  }
}

const STATUS: Record<ScenarioResult["verdict"]["status"], string> = {
  pass: "PASS",
  fail: "FAIL",
  error: "ERROR",
  skipped: "SKIP",
};

export function consoleReport(run: BenchRun): string[] {
  const lines = ["", `Benchmark report: ${run.clientName} ${run.clientVersion}`];
  lines.push(`Server: ${run.serverUrl}${scaleNote(run)}`);
  for (const r of run.results) {
    const v = r.verdict;
    lines.push("");
    lines.push(
      `${STATUS[v.status].padEnd(5)} ${r.scenario.id} (${r.scenario.category}): ${r.scenario.name}`,
    );
    if (v.status === "skipped") {
      lines.push(`      skipped: ${v.reason}`);
      continue;
    }
    lines.push(`      ${samplesText(r)}`);
    if (v.status === "error") {
      lines.push(`      error: ${v.reason}`);
      continue;
    }
    lines.push(`      ms: ${latencyText(v.latency)}`);
    if (v.throughput !== undefined) lines.push(`      ${throughputText(v.throughput)}`);
    lines.push(`      criteria: ${v.checks.map(checkText).join("; ") || "none"}`);
    if (r.firstProblem !== undefined) lines.push(`      first dropped answer: ${r.firstProblem}`);
  }

  lines.push("", "Summary:");
  const header = ["scenario", "result", "samples", "p50 ms", "p99 ms", "ops/s", "MB/s"];
  const rows = run.results.map((r) => {
    const v = r.verdict;
    const stats = v.status === "pass" || v.status === "fail" ? v : undefined;
    return [
      r.scenario.id,
      STATUS[v.status],
      v.status === "skipped" ? "-" : `${r.measured.samples}/${r.measured.iterations}`,
      stats ? ms(stats.latency.median) : "-",
      stats ? ms(stats.latency.p99) : "-",
      stats?.throughput ? rate(stats.throughput.opsPerSecond) : "-",
      stats?.throughput ? rate(stats.throughput.mbPerSecond) : "-",
    ];
  });
  for (const line of table([header, ...rows])) lines.push(`  ${line}`);
  const t = benchTotals(run.results);
  lines.push(
    `${run.results.length} scenarios: ${t.passed} passed, ${t.failed} failed, ${t.errors} errors, ${t.skipped} skipped (${(run.durationMs / 1000).toFixed(1)} s)`,
  );
  return lines;
}

export function markdownReport(run: BenchRun): string[] {
  const lines = [
    `# Benchmark: ${run.clientName} ${run.clientVersion}`,
    "",
    `Reference server ${run.serverUrl}${scaleNote(run)}; times in ms (adapter-measured), percentiles nearest-rank.`,
    "",
    "| Scenario | Result | Samples | min | p50 | p75 | p95 | p99 | max | mean ± 95 % | std-dev | ops/s | MB/s | Criteria |",
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  const notes: string[] = [];
  for (const r of run.results) {
    const v = r.verdict;
    const id = `\`${r.scenario.id}\``;
    if (v.status === "skipped" || v.status === "error") {
      const samples =
        v.status === "skipped" ? "-" : `${r.measured.samples}/${r.measured.iterations}`;
      lines.push(`| ${id} | ${STATUS[v.status]} | ${samples} |${" - |".repeat(10)} - |`);
      notes.push(`- ${id}: ${escapeCell(v.reason)}`);
      continue;
    }
    const l = v.latency;
    const t = v.throughput;
    const cells = [
      id,
      STATUS[v.status],
      `${r.measured.samples}/${r.measured.iterations}`,
      ms(l.min),
      ms(l.median),
      ms(l.p75),
      ms(l.p95),
      ms(l.p99),
      ms(l.max),
      `${ms(l.mean)} ± ${ms(l.margin95)}`,
      ms(l.stdDev),
      t ? rate(t.opsPerSecond) : "-",
      t ? rate(t.mbPerSecond) : "-",
      escapeCell(v.checks.map(checkText).join("; ") || "none"),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
    if (r.firstProblem !== undefined) notes.push(`- ${id}: ${escapeCell(r.firstProblem)}`);
  }
  const t = benchTotals(run.results);
  lines.push(
    "",
    `${t.passed} passed, ${t.failed} failed, ${t.errors} errors, ${t.skipped} skipped (${(run.durationMs / 1000).toFixed(1)} s).`,
  );
  if (notes.length > 0) lines.push("", "Notes:", "", ...notes);
  return lines;
}

/** The machine-readable report; non-finite numbers become null (JSON has no Infinity). */
export function jsonReport(run: BenchRun): Record<string, unknown> {
  return {
    client: { name: run.clientName, version: run.clientVersion },
    features: run.features,
    serverUrl: run.serverUrl,
    scale: run.scale,
    durationMs: run.durationMs,
    summary: benchTotals(run.results),
    scenarios: run.results.map((r) => {
      const v = r.verdict;
      return {
        id: r.scenario.id,
        name: r.scenario.name,
        category: r.scenario.category,
        status: v.status,
        base: r.base,
        criteria: r.scenario.criteria,
        warmup: r.warmup,
        measured: r.measured,
        durationMs: r.durationMs,
        ...(r.firstProblem === undefined ? {} : { firstProblem: r.firstProblem }),
        ...("reason" in v
          ? { reason: v.reason }
          : { latencyMs: v.latency, throughput: v.throughput ?? null, checks: v.checks }),
      };
    }),
  };
}

function finiteOrNull(_key: string, value: unknown): unknown {
  return typeof value === "number" && !Number.isFinite(value) ? null : value;
}

function scaleNote(run: BenchRun): string {
  return run.scale === 1 ? "" : ` (counts scaled by ${run.scale})`;
}

function samplesText(r: ScenarioResult): string {
  return `samples ${r.measured.samples}/${r.measured.iterations} (${r.measured.dropped} dropped), warmup ${r.warmup.iterations} (${r.warmup.failed} failed), ${(r.durationMs / 1000).toFixed(1)} s`;
}

function latencyText(l: LatencyStats): string {
  return [
    `min ${ms(l.min)}`,
    `p50 ${ms(l.median)}`,
    `p75 ${ms(l.p75)}`,
    `p95 ${ms(l.p95)}`,
    `p99 ${ms(l.p99)}`,
    `max ${ms(l.max)}`,
    `mean ${ms(l.mean)} ± ${ms(l.margin95)}`,
    `std-dev ${ms(l.stdDev)}`,
  ].join("  ");
}

function throughputText(t: ThroughputStats): string {
  const mib = t.totalBytes / (1 << 20);
  return `throughput: ${t.totalMessages} messages, ${mib.toFixed(1)} MiB in ${(t.totalDurationMs / 1000).toFixed(2)} s: ${rate(t.opsPerSecond)} ops/s, ${rate(t.mbPerSecond)} MB/s`;
}

function checkText(c: CriterionCheck): string {
  const unit = c.metric === "p50" || c.metric === "p99" ? " ms" : "";
  const actual = unit ? ms(c.actual) : rate(c.actual);
  return `${c.metric} ${actual}${unit} ${c.kind === "max" ? "<=" : ">="} ${c.limit}${unit} ${c.passed ? "ok" : "FAILED"}`;
}

function ms(value: number): string {
  return value.toFixed(2);
}

function rate(value: number): string {
  if (!Number.isFinite(value)) return "inf";
  return value >= 100 ? value.toFixed(0) : value.toFixed(2);
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** Left-aligned columns, two spaces apart. */
function table(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  }
  return rows.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join("  ")
      .trimEnd(),
  );
}
