// @vitest-environment node
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { AdapterProcess } from "../../conformance/runner/adapter-process.js";
import { benchScale, parseBenchArgs } from "../../conformance/runner/bench-args.js";
import type { BenchRun } from "../../conformance/runner/bench-main.js";
import { benchExitCode, renderReport } from "../../conformance/runner/bench-report.js";
import {
  BENCH_SCENARIOS,
  FetchBenchHttp,
  findScenario,
  iterationCounts,
  type BenchScenario,
} from "../../conformance/runner/bench-scenarios.js";
import { judge } from "../../conformance/runner/bench-stats.js";
import { UsageError } from "../../conformance/runner/cli-args.js";
import { startReferenceServer } from "../../conformance/runner/server.js";
import { ROOT, runConformanceCli, type CliRun } from "../support/cli.js";
import { readBack } from "../support/producer-wire.js";

const OUR_ADAPTER = resolve(ROOT, "conformance/adapter");
const FAKE_ADAPTER = "test/conformance/fixtures/bench-fake-adapter.mjs";
const NOT_SUPPORTED_ADAPTER = "test/conformance/fixtures/not-supported-adapter.mjs";
const MIB = 1 << 20;

/** The real CLI in benchmark mode. */
function runBenchCli(args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runConformanceCli(["--bench", ...args], env);
}

/** The subset of the JSON report the tests look at. */
interface JsonScenario {
  readonly id: string;
  readonly status: string;
  readonly warmup: { readonly iterations: number; readonly failed: number };
  readonly measured: { readonly iterations: number; readonly samples: number; dropped: number };
  readonly reason?: string;
  readonly firstProblem?: string;
  readonly latencyMs?: { readonly median: number; readonly p99: number; readonly count: number };
  readonly throughput?: { readonly opsPerSecond: number; readonly mbPerSecond: number } | null;
  readonly checks?: readonly { readonly metric: string; readonly passed: boolean }[];
}

function jsonScenarios(run: CliRun): Map<string, JsonScenario> {
  const report = JSON.parse(run.stdout) as { scenarios: JsonScenario[] };
  return new Map(report.scenarios.map((s) => [s.id, s]));
}

function scenario(id: string): BenchScenario {
  const s = findScenario(id);
  if (s === undefined) throw new Error(`no scenario ${id}`);
  return s;
}

describe("benchmark command line", () => {
  const parse = (argv: string[]) => parseBenchArgs(argv, "/default/adapter", "/cwd");

  it("selects scenarios by id and category, in the §10 order", () => {
    expect(parse(["--bench"]).scenarios).toEqual(BENCH_SCENARIOS);
    expect(
      parse(["--bench", "--scenario", "latency-create", "--scenario=latency-append"]).scenarios.map(
        (s) => s.id,
      ),
    ).toEqual(["latency-append", "latency-create"]);
    expect(parse(["--bench", "--category", "throughput"]).scenarios.map((s) => s.id)).toEqual([
      "throughput-small-messages",
      "throughput-large-messages",
      "throughput-read",
    ]);
    expect(
      parse(["--bench", "--category", "latency", "--scenario", "latency-read,throughput-read"])
        .scenarios.length,
    ).toBe(1);
  });

  it("takes the adapter from --adapter or --bench <path>, and the format and port", () => {
    expect(parse(["--bench"]).adapter).toBe("/default/adapter");
    expect(parse(["--bench", "a/b"]).adapter).toBe("/cwd/a/b");
    expect(parse(["--bench", "--adapter", "/x/y", "--format", "json"])).toMatchObject({
      adapter: "/x/y",
      format: "json",
      port: undefined,
    });
    expect(parse(["--bench", "--port=4437", "--verbose"])).toMatchObject({
      port: 4437,
      verbose: true,
    });
  });

  it("refuses unknown scenarios, categories, formats and options", () => {
    expect(() => parse(["--bench", "--scenario", "nope"])).toThrow(UsageError);
    expect(() => parse(["--bench", "--category", "producer"])).toThrow(UsageError);
    expect(() => parse(["--bench", "--format", "html"])).toThrow(UsageError);
    expect(() => parse(["--bench", "--suite", "producer"])).toThrow(/unknown argument/);
    expect(() =>
      parse(["--bench", "--category", "streaming", "--scenario", "latency-read"]),
    ).toThrow(/no scenario matches/);
  });

  it("reads the scale of quick runs from CONFORMANCE_BENCH_SCALE", () => {
    expect(benchScale({})).toBe(1);
    expect(benchScale({ CONFORMANCE_BENCH_SCALE: "0.1" })).toBe(0.1);
    expect(() => benchScale({ CONFORMANCE_BENCH_SCALE: "2" })).toThrow(UsageError);
    expect(iterationCounts(scenario("latency-append"), 0.1)).toEqual({ warmup: 1, measured: 10 });
    expect(iterationCounts(scenario("throughput-large-messages"), 0.1)).toEqual({
      warmup: 1,
      measured: 1,
    });
  });
});

describe("benchmark report", () => {
  const run = (results: BenchRun["results"]): BenchRun => ({
    serverUrl: "http://127.0.0.1:1",
    clientName: "c",
    clientVersion: "1",
    features: {},
    scale: 1,
    results,
    durationMs: 1000,
  });
  const result = (id: string, verdict: BenchRun["results"][number]["verdict"]) => ({
    scenario: scenario(id),
    base: "/bench-x",
    warmup: { iterations: 1, failed: 0 },
    measured: { iterations: 2, samples: 2, dropped: 0 },
    firstProblem: undefined,
    verdict,
    durationMs: 10,
  });
  const sample = (durationMs: number) => ({
    durationMs,
    messagesProcessed: 10,
    bytesTransferred: MIB,
  });

  it("exits 1 on a failed or errored scenario, 0 when the rest passed or skipped", () => {
    const pass = result("latency-create", judge([sample(1)], { maxP50Ms: 30 }, false));
    const fail = result("latency-append", judge([sample(50)], { maxP50Ms: 20 }, false));
    const error = result("latency-read", judge([], {}, false));
    const skip = result("streaming-sse-latency", { status: "skipped", reason: "requires sse" });
    expect(benchExitCode([pass, skip])).toBe(0);
    expect(benchExitCode([pass, fail])).toBe(1);
    expect(benchExitCode([pass, error])).toBe(1);

    const console = renderReport(run([pass, fail, error, skip]), "console").join("\n");
    expect(console).toMatch(/^FAIL {2}latency-append \(latency\)/m);
    expect(console).toMatch(/p50 50\.00 ms <= 20 ms FAILED/);
    expect(console).toMatch(/^ERROR latency-read .*\n.*\n {6}error: no measured sample/m);
    expect(console).toMatch(/4 scenarios: 1 passed, 1 failed, 1 errors, 1 skipped/);

    const markdown = renderReport(run([pass, error]), "markdown");
    const rows = markdown.filter((l) => l.startsWith("| `"));
    expect(rows).toHaveLength(2);
    // Every row has as many cells as the header.
    const cells = (l: string) => l.split(" | ").length;
    const header = markdown.find((l) => l.startsWith("| Scenario"));
    for (const row of rows) expect(cells(row)).toBe(cells(header ?? ""));
  });

  it("writes JSON without Infinity", () => {
    const instant = result(
      "throughput-large-messages",
      judge([sample(0)], { minOpsPerSecond: 20 }, true),
    );
    const json = JSON.parse(renderReport(run([instant]), "json").join("\n")) as {
      scenarios: JsonScenario[];
    };
    expect(json.scenarios[0]?.throughput).toMatchObject({ opsPerSecond: null });
  });
});

describe("benchmark mode end to end", () => {
  it("judges a fake adapter exactly: a failing p50, dropped samples, zero samples, skips", async () => {
    const run = await runBenchCli(["--adapter", FAKE_ADAPTER, "--format", "json"]);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/^Reference server: http:\/\/127\.0\.0\.1:\d+$/m);
    const s = jsonScenarios(run);

    expect(s.get("latency-append")).toMatchObject({
      status: "fail",
      measured: { iterations: 100, samples: 100, dropped: 0 },
      latencyMs: { median: 30, p99: 30 },
      checks: [
        { metric: "p50", passed: false },
        { metric: "p99", passed: true },
      ],
    });
    // Odd measured iterations answer errors: 25 samples of 1, 3, …, 49 ms.
    expect(s.get("latency-create")).toMatchObject({
      status: "pass",
      warmup: { iterations: 5, failed: 0 },
      measured: { iterations: 50, samples: 25, dropped: 25 },
      latencyMs: { count: 25, median: 25, p99: 49 },
      firstProblem: 'measure-1: NOT_SUPPORTED "odd iteration"',
    });
    expect(s.get("latency-read")).toMatchObject({
      status: "error",
      measured: { samples: 0, dropped: 100 },
      warmup: { failed: 10 },
    });
    expect(s.get("latency-read")?.reason).toMatch(/^no measured sample succeeded; first problem:/);
    expect(s.get("throughput-small-messages")).toMatchObject({
      status: "pass",
      throughput: { opsPerSecond: 100_000 },
    });
    // measure-0 answered for another iteration: dropped, not counted.
    expect(s.get("throughput-read")).toMatchObject({
      status: "pass",
      measured: { samples: 4, dropped: 1 },
      throughput: { opsPerSecond: 10_000, mbPerSecond: 10 },
    });
    expect(s.get("latency-roundtrip")).toMatchObject({
      status: "skipped",
      reason: "requires longPoll",
    });
    expect(s.get("streaming-sse-latency")).toMatchObject({
      status: "skipped",
      reason: "requires sse",
    });
  }, 60_000);

  it("reports an error for every scenario when the adapter answers NOT_SUPPORTED", async () => {
    const run = await runBenchCli([
      "--adapter",
      NOT_SUPPORTED_ADAPTER,
      "--scenario",
      "latency-read,latency-create,throughput-read",
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      /^ERROR latency-create .*\n.*\n {6}error: no measured sample succeeded; first problem: warmup-0: NOT_SUPPORTED "nope"$/m,
    );
    expect(run.stdout).toMatch(/3 scenarios: 0 passed, 0 failed, 3 errors, 0 skipped/);
  }, 60_000);

  // Timing criteria say nothing certain on a shared machine: this checks the wiring (every
  // sample present and well-formed), and the verdict is only required to be a timing one.
  it(
    "runs our adapter against the reference server: every sample present, none dropped",
    { timeout: 120_000 },
    async () => {
      // throughput-small rather than -large: the large op's bytes are checked below instead.
      const ids = ["latency-append", "latency-create", "throughput-small-messages"];
      const scale = 0.25;
      const run = await runBenchCli(["--scenario", ids.join(","), "--format", "json"], {
        CONFORMANCE_BENCH_SCALE: String(scale),
      });
      const s = jsonScenarios(run);
      expect([...s.keys()]).toEqual(ids);
      for (const id of ids) {
        const { warmup, measured } = iterationCounts(scenario(id), scale);
        expect(s.get(id), `${id}\n${run.stdout}`).toMatchObject({
          warmup: { iterations: warmup, failed: 0 },
          measured: { iterations: measured, samples: measured, dropped: 0 },
        });
        expect(["pass", "fail"], `${id}\n${run.stdout}`).toContain(s.get(id)?.status);
      }
      // 25 000 messages of 100 B per iteration: ops/s counts messages, MB/s their MiB.
      const small = s.get("throughput-small-messages")?.throughput;
      expect(small?.mbPerSecond).toBeCloseTo(((small?.opsPerSecond ?? Number.NaN) * 100) / MIB, 6);
    },
  );
});

describe("our adapter does the work its benchmark answers claim", () => {
  it("appends, creates and bulk-appends what it reports, and reads every message", async () => {
    const server = await startReferenceServer({ longPollTimeout: "default" });
    const adapter = await AdapterProcess.start(OUR_ADAPTER, { stderr: () => undefined });
    try {
      expect(await adapter.send({ type: "init", serverUrl: server.url }, 60_000)).toMatchObject({
        ok: true,
        result: { success: true },
      });
      const http = new FetchBenchHttp(server.url);
      const base = `/bench-test-${Date.now()}`;
      const bench = async (s: BenchScenario, iteration: number, scale = 1) => {
        const operation = s.operation({ base, iteration, scale });
        const outcome = await adapter.send(
          { type: "benchmark", iterationId: `measure-${iteration}`, operation },
          60_000,
        );
        expect(outcome).toMatchObject({
          ok: true,
          result: { success: true, iterationId: `measure-${iteration}` },
        });
        return { operation, result: outcome.ok ? outcome.result : undefined };
      };

      // append: 3 × 100 B on the stream the runner prepared.
      const append = scenario("latency-append");
      await append.prepare?.(http, { base, scale: 1 });
      for (let i = 0; i < 3; i++) await bench(append, i);
      expect((await readBack(server.url, `${base}/stream`)).length).toBe(300);

      // create: the stream exists afterwards, with the requested content type.
      const { operation: created } = await bench(scenario("latency-create"), 7);
      const head = await fetch(`${server.url}${created.path}`, { method: "HEAD" });
      expect(head.status).toBe(200);
      expect(head.headers.get("content-type")).toBe("application/octet-stream");

      // throughput_append creates the stream itself and holds count × size bytes.
      const { operation: bulk, result } = await bench(
        scenario("throughput-large-messages"),
        0,
        0.06,
      );
      expect(bulk).toMatchObject({ count: 3, size: MIB });
      expect(result).toMatchObject({
        metrics: { messagesProcessed: 3, bytesTransferred: 3 * MIB },
      });
      const bytes = await readBack(server.url, bulk.path);
      expect(bytes.length).toBe(3 * MIB);
      expect(bytes.every((b) => b === bytes[0])).toBe(true);

      // throughput_read: every prepared message, and its bytes (MB/s needs them).
      const read = scenario("throughput-read");
      await read.prepare?.(http, { base, scale: 0.1 });
      const { result: readResult } = await bench(read, 0, 0.1);
      expect(readResult).toMatchObject({ metrics: { messagesProcessed: 1000 } });
      const metrics = (readResult as { metrics: { bytesTransferred: number } }).metrics;
      // 1000 objects of 100 bytes, plus the JSON array punctuation.
      expect(metrics.bytesTransferred).toBeGreaterThanOrEqual(100_000);
      expect(metrics.bytesTransferred).toBeLessThan(102_000);
    } finally {
      await adapter.close(true);
      await server.stop();
    }
  }, 60_000);
});
