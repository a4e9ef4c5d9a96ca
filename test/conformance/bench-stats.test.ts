// @vitest-environment node
import { describe, expect, it } from "vitest";
import { sampleOf } from "../../conformance/runner/bench-main.js";
import {
  judge,
  latencyStats,
  nearestRank,
  throughputStats,
  type BenchSample,
} from "../../conformance/runner/bench-stats.js";

const MIB = 1 << 20;

function samples(durationsMs: readonly number[]): BenchSample[] {
  return durationsMs.map((durationMs) => ({
    durationMs,
    messagesProcessed: undefined,
    bytesTransferred: undefined,
  }));
}

const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe("benchmark statistics", () => {
  it("takes nearest-rank percentiles: the value at rank ceil(p/100 * n)", () => {
    const ten = oneTo(10);
    expect(nearestRank(ten, 50)).toBe(5);
    expect(nearestRank(ten, 75)).toBe(8); // rank ceil(7.5)
    expect(nearestRank(ten, 95)).toBe(10); // rank ceil(9.5)
    expect(nearestRank(ten, 99)).toBe(10);
    expect(nearestRank(ten, 100)).toBe(10);
    expect(nearestRank(ten, 1)).toBe(1); // never below rank 1
    expect(nearestRank(oneTo(20), 95)).toBe(19);
    // 7 % of 100 is rank 7 exactly (7 / 100 * 100 in floats would give rank 8).
    expect(nearestRank(oneTo(100), 7)).toBe(7);
    expect(nearestRank(oneTo(100), 99)).toBe(99);
    expect(nearestRank([7], 50)).toBe(7);
    expect(() => nearestRank([], 50)).toThrow(RangeError);
    expect(() => nearestRank(ten, 0)).toThrow(RangeError);
  });

  it("computes min/max/mean/median/p75/p95/p99, sample std-dev and the 95 % margin", () => {
    // Unsorted on purpose; sum 40, mean 5, squared deviations 32.
    const stats = latencyStats([9, 2, 5, 4, 7, 4, 5, 4]);
    expect(stats).toBeDefined();
    if (stats === undefined) return;
    expect(stats.count).toBe(8);
    expect(stats.min).toBe(2);
    expect(stats.max).toBe(9);
    expect(stats.mean).toBe(5);
    // Nearest-rank p50 of 8 values is the 4th (4), not the interpolated 4.5.
    expect(stats.median).toBe(4);
    expect(stats.p75).toBe(5);
    expect(stats.p95).toBe(9);
    expect(stats.p99).toBe(9);
    const sd = Math.sqrt(32 / 7);
    expect(stats.stdDev).toBeCloseTo(sd, 12);
    expect(stats.margin95).toBeCloseTo((1.96 * sd) / Math.sqrt(8), 12);
  });

  it("has no statistics without samples and no spread with one", () => {
    expect(latencyStats([])).toBeUndefined();
    expect(latencyStats([3])).toMatchObject({ min: 3, max: 3, median: 3, p99: 3, stdDev: 0 });
    expect(latencyStats([3])?.margin95).toBe(0);
  });

  it("computes ops/s and MB/s over the summed durations", () => {
    const t = throughputStats(
      [
        { durationMs: 500, messagesProcessed: 1000, bytesTransferred: MIB },
        { durationMs: 1500, messagesProcessed: 3000, bytesTransferred: 3 * MIB },
      ],
      1000,
    );
    expect(t).toEqual({
      totalMessages: 4000,
      totalBytes: 4 * MIB,
      totalDurationMs: 2000,
      opsPerSecond: 2000,
      mbPerSecond: 2,
    });
    // Without messagesProcessed: 1000 / mean ms.
    expect(throughputStats(samples([100, 300]), 200).opsPerSecond).toBe(5);
    expect(throughputStats(samples([100, 300]), 200).mbPerSecond).toBe(0);
  });
});

describe("benchmark pass criteria", () => {
  const latency = { maxP50Ms: 20, maxP99Ms: 100 };

  it("passes when every limit holds (limits are inclusive)", () => {
    const verdict = judge(samples([...Array<number>(99).fill(20), 100]), latency, false);
    expect(verdict.status).toBe("pass");
    if (verdict.status === "error") return;
    expect(verdict.checks).toEqual([
      { metric: "p50", actual: 20, limit: 20, kind: "max", passed: true },
      { metric: "p99", actual: 20, limit: 100, kind: "max", passed: true },
    ]);
    expect(verdict.throughput).toBeUndefined();
  });

  it("fails on a p50 over its limit even when p99 holds", () => {
    const verdict = judge(samples([21, 22, 23]), latency, false);
    expect(verdict.status).toBe("fail");
    if (verdict.status === "error") return;
    expect(verdict.checks.map((c) => [c.metric, c.passed])).toEqual([
      ["p50", false],
      ["p99", true],
    ]);
  });

  it("fails on a p99 over its limit", () => {
    // 100 samples: p99 is the 99th value, so two slow ones are needed.
    const verdict = judge(samples([...Array<number>(98).fill(1), 101, 101]), latency, false);
    expect(verdict.status).toBe("fail");
  });

  it("treats zero samples as an error, not as a pass or a fail", () => {
    expect(judge([], latency, false)).toEqual({
      status: "error",
      reason: "no measured sample succeeded",
    });
    expect(judge([], {}, true).status).toBe("error");
  });

  it("judges throughput limits on ops/s and MB/s; missing figures count as 0", () => {
    const fast = [{ durationMs: 1000, messagesProcessed: 2000, bytesTransferred: 5 * MIB }];
    expect(judge(fast, { minOpsPerSecond: 1000, minMBPerSecond: 3 }, true).status).toBe("pass");
    expect(judge(fast, { minOpsPerSecond: 2001 }, true).status).toBe("fail");
    // An adapter that reports no bytes cannot pass a MB/s criterion.
    const noBytes = [{ durationMs: 10, messagesProcessed: 2000, bytesTransferred: undefined }];
    const verdict = judge(noBytes, { minMBPerSecond: 3 }, true);
    expect(verdict.status).toBe("fail");
    if (verdict.status === "error") return;
    expect(verdict.checks).toEqual([
      { metric: "MB/s", actual: 0, limit: 3, kind: "min", passed: false },
    ]);
  });
});

describe("benchmark answers", () => {
  const ok = (fields: Record<string, unknown>) => ({
    ok: true as const,
    result: { type: "benchmark", success: true, iterationId: "measure-3", ...fields },
  });

  it("turns a success answer into a sample (ns to ms, metrics when valid)", () => {
    expect(
      sampleOf(
        ok({ durationNs: "2500000", metrics: { messagesProcessed: 5, bytesTransferred: 500 } }),
        "measure-3",
      ),
    ).toEqual({ durationMs: 2.5, messagesProcessed: 5, bytesTransferred: 500 });
    expect(
      sampleOf(ok({ durationNs: "1000000", metrics: { messagesProcessed: "5" } }), "measure-3"),
    ).toEqual({ durationMs: 1, messagesProcessed: undefined, bytesTransferred: undefined });
  });

  it("drops every other answer, saying why", () => {
    const error = {
      ok: true as const,
      result: {
        type: "error",
        success: false,
        commandType: "benchmark",
        errorCode: "NOT_SUPPORTED",
        message: "nope",
      },
    };
    expect(sampleOf(error, "measure-3")).toBe('NOT_SUPPORTED "nope"');
    expect(sampleOf({ ok: false, error: "Command timed out after 60000ms: benchmark" }, "x")).toBe(
      "Command timed out after 60000ms: benchmark",
    );
    expect(sampleOf(ok({ durationNs: "1" }), "measure-4")).toMatch(/iterationId "measure-3"/);
    expect(sampleOf(ok({ durationNs: 1000 }), "measure-3")).toMatch(/integer as a string/);
    expect(sampleOf(ok({ durationNs: "1.5" }), "measure-3")).toMatch(/integer as a string/);
    expect(sampleOf({ ok: true, result: [1] }, "measure-3")).toMatch(/not a JSON object/);
  });
});
