/**
 * Statistics and pass criteria of benchmark mode (ADAPTER.md §10).
 *
 * Pure functions over the measured samples, so they are unit-tested on
 * known numbers without an adapter or a server.
 */

/** One measured iteration that the adapter answered successfully. */
export interface BenchSample {
  /** The adapter's own timing (`durationNs`), in milliseconds. */
  readonly durationMs: number;
  readonly messagesProcessed: number | undefined;
  readonly bytesTransferred: number | undefined;
}

/** Latency statistics in milliseconds. */
export interface LatencyStats {
  readonly count: number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Nearest-rank p50, like the other percentiles (so `median` is the criteria's p50). */
  readonly median: number;
  readonly p75: number;
  readonly p95: number;
  readonly p99: number;
  /** Sample standard deviation (n − 1); 0 for a single sample. */
  readonly stdDev: number;
  /** Half-width of the 95 % confidence interval of the mean: 1.96 · stdDev / √n. */
  readonly margin95: number;
}

export interface ThroughputStats {
  readonly totalMessages: number;
  readonly totalBytes: number;
  readonly totalDurationMs: number;
  /** Σ messagesProcessed / Σ duration; 1000 / mean ms when no sample reported messages. */
  readonly opsPerSecond: number;
  /** Σ bytesTransferred / 2²⁰ / Σ duration. */
  readonly mbPerSecond: number;
}

/** Pass criteria of a scenario; absent limits are not checked. */
export interface BenchCriteria {
  readonly maxP50Ms?: number;
  readonly maxP99Ms?: number;
  readonly minOpsPerSecond?: number;
  readonly minMBPerSecond?: number;
}

export interface CriterionCheck {
  readonly metric: "p50" | "p99" | "ops/s" | "MB/s";
  readonly actual: number;
  readonly limit: number;
  /** `max`: actual must be ≤ limit; `min`: actual must be ≥ limit. */
  readonly kind: "max" | "min";
  readonly passed: boolean;
}

/** How a scenario's measurements are judged. */
export type BenchVerdict =
  | {
      readonly status: "pass" | "fail";
      readonly latency: LatencyStats;
      readonly throughput: ThroughputStats | undefined;
      readonly checks: readonly CriterionCheck[];
    }
  | { readonly status: "error"; readonly reason: string };

const Z_95 = 1.96;
const MIB = 1 << 20;

/**
 * Nearest-rank percentile of ascending `sorted` values: the value at rank
 * ⌈p/100 · n⌉ (1-based), at least rank 1. Computed as ⌈p · n / 100⌉ so that
 * integer p and n give an exact rank (7/100 · 100 is 7.000000000000001 in floats).
 */
export function nearestRank(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError("nearestRank: no samples");
  if (!(p > 0 && p <= 100)) throw new RangeError(`nearestRank: p must be in (0, 100], got ${p}`);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p * sorted.length) / 100)));
  const value = sorted[rank - 1];
  if (value === undefined) throw new RangeError("nearestRank: rank out of range");
  return value;
}

/** Latency statistics of `durationsMs`, or undefined when there are none. */
export function latencyStats(durationsMs: readonly number[]): LatencyStats | undefined {
  const n = durationsMs.length;
  if (n === 0) return undefined;
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const first = sorted[0] ?? 0;
  const mean = sorted.reduce((sum, x) => sum + x, 0) / n;
  const squares = sorted.reduce((sum, x) => sum + (x - mean) ** 2, 0);
  const stdDev = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
  return {
    count: n,
    min: first,
    max: nearestRank(sorted, 100),
    mean,
    median: nearestRank(sorted, 50),
    p75: nearestRank(sorted, 75),
    p95: nearestRank(sorted, 95),
    p99: nearestRank(sorted, 99),
    stdDev,
    margin95: (Z_95 * stdDev) / Math.sqrt(n),
  };
}

/** ops/s and MB/s over all measured samples (ADAPTER.md §10). */
export function throughputStats(samples: readonly BenchSample[], meanMs: number): ThroughputStats {
  let totalMessages = 0;
  let totalBytes = 0;
  let totalDurationMs = 0;
  for (const s of samples) {
    totalMessages += s.messagesProcessed ?? 0;
    totalBytes += s.bytesTransferred ?? 0;
    totalDurationMs += s.durationMs;
  }
  const seconds = totalDurationMs / 1000;
  const opsPerSecond =
    totalMessages > 0 ? perSecond(totalMessages, seconds) : perSecond(1000, meanMs);
  return {
    totalMessages,
    totalBytes,
    totalDurationMs,
    opsPerSecond,
    mbPerSecond: perSecond(totalBytes / MIB, seconds),
  };
}

/** A zero duration with work done is reported as infinitely fast rather than dividing by 0. */
function perSecond(amount: number, seconds: number): number {
  if (seconds > 0) return amount / seconds;
  return amount > 0 ? Number.POSITIVE_INFINITY : 0;
}

/** Checks each limit that `criteria` sets; throughput limits need throughput statistics. */
export function checkCriteria(
  criteria: BenchCriteria,
  latency: LatencyStats,
  throughput: ThroughputStats | undefined,
): CriterionCheck[] {
  const checks: CriterionCheck[] = [];
  const max = (metric: CriterionCheck["metric"], actual: number, limit: number | undefined) => {
    if (limit !== undefined) {
      checks.push({ metric, actual, limit, kind: "max", passed: actual <= limit });
    }
  };
  const min = (metric: CriterionCheck["metric"], actual: number, limit: number | undefined) => {
    if (limit !== undefined) {
      checks.push({ metric, actual, limit, kind: "min", passed: actual >= limit });
    }
  };
  max("p50", latency.median, criteria.maxP50Ms);
  max("p99", latency.p99, criteria.maxP99Ms);
  // A throughput limit without throughput figures cannot pass: report it as 0.
  min("ops/s", throughput?.opsPerSecond ?? 0, criteria.minOpsPerSecond);
  min("MB/s", throughput?.mbPerSecond ?? 0, criteria.minMBPerSecond);
  return checks;
}

/**
 * Judges a scenario's measured samples: zero samples is an error (nothing
 * was measured); otherwise pass when every criterion holds, else fail.
 */
export function judge(
  samples: readonly BenchSample[],
  criteria: BenchCriteria,
  isThroughput: boolean,
): BenchVerdict {
  const latency = latencyStats(samples.map((s) => s.durationMs));
  if (latency === undefined) {
    return { status: "error", reason: "no measured sample succeeded" };
  }
  const throughput = isThroughput ? throughputStats(samples, latency.mean) : undefined;
  const checks = checkCriteria(criteria, latency, throughput);
  return {
    status: checks.every((c) => c.passed) ? "pass" : "fail",
    latency,
    throughput,
    checks,
  };
}
