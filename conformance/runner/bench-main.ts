import { randomUUID } from "node:crypto";
import { resolve } from "node:path";
import { startAdapter } from "./adapter-init.js";
import type { AdapterProcess } from "./adapter-process.js";
import { BENCH_USAGE, benchScale, parseBenchArgs } from "./bench-args.js";
import { benchExitCode, renderReport } from "./bench-report.js";
import {
  FetchBenchHttp,
  iterationCounts,
  type BenchHttp,
  type BenchOperation,
  type BenchScenario,
} from "./bench-scenarios.js";
import { judge, type BenchSample, type BenchVerdict } from "./bench-stats.js";
import { describeError, show } from "./expectations.js";
import { missingFeatures } from "./features.js";
import { EXIT_FAILED, parseOrExit, type RunIo } from "./main.js";
import { startReferenceServer, type ReferenceServer } from "./server.js";
import { isObj, type SendOutcome } from "./types.js";

/** Every benchmark-mode command has this fixed timeout (§3), `shutdown` 5 s. */
export const BENCH_COMMAND_TIMEOUT_MS = 60_000;

/** What happened to one scenario. */
export interface ScenarioResult {
  readonly scenario: BenchScenario;
  /** `/bench-<uuid>`: the prefix of every stream path of the scenario. */
  readonly base: string;
  readonly warmup: { readonly iterations: number; readonly failed: number };
  readonly measured: {
    readonly iterations: number;
    readonly samples: number;
    readonly dropped: number;
  };
  /** The first unsuccessful answer (warmup or measured), for the report. */
  readonly firstProblem: string | undefined;
  readonly verdict: BenchVerdict | { readonly status: "skipped"; readonly reason: string };
  readonly durationMs: number;
}

export interface BenchRun {
  readonly serverUrl: string;
  readonly clientName: string;
  readonly clientVersion: string;
  readonly features: unknown;
  /** 1 in a real run; smaller with `CONFORMANCE_BENCH_SCALE`. */
  readonly scale: number;
  readonly results: readonly ScenarioResult[];
  readonly durationMs: number;
}

export interface BenchRunOptions {
  readonly adapter: string;
  readonly scenarios: readonly BenchScenario[];
  readonly verbose: boolean;
  readonly scale: number;
}

export interface BenchIo {
  /** One progress line (stdout for the console format, stderr otherwise). */
  readonly progress: (line: string) => void;
  /** Adapter stderr and verbose logs. */
  readonly err: (text: string) => void;
}

/**
 * `conformance/run.ts --bench …`: parses the options, starts the reference
 * server (random port, its default 30 s long-poll timeout), runs the
 * scenarios, prints the report and resolves to the exit status: 0 when every
 * scenario that ran passed, 1 when one failed or errored (or the adapter
 * could not start or init), 2 on a bad command line.
 */
export async function benchMain(
  argv: readonly string[],
  io: RunIo,
  repoRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const parsed = parseOrExit(
    () => ({
      ...parseBenchArgs(argv, resolve(repoRoot, "conformance/adapter"), io.cwd),
      scale: benchScale(env),
    }),
    BENCH_USAGE,
    io,
  );
  if (typeof parsed === "number") return parsed;
  const { scale, ...options } = parsed;

  // json/markdown keep stdout for the report alone.
  const progress = options.format === "console" ? io.out : (line: string) => io.err(`${line}\n`);
  const server = await startReferenceServer({ longPollTimeout: "default", port: options.port });
  progress(`Reference server: ${server.url}`);
  let run: BenchRun | string;
  try {
    run = await runBench(
      server,
      { adapter: options.adapter, scenarios: options.scenarios, verbose: options.verbose, scale },
      { progress, err: io.err },
    );
  } finally {
    // Ends pending long-polls and SSE responses too, so nothing keeps the process alive.
    await server.stop();
  }
  if (typeof run === "string") {
    progress(`ERROR: ${run}`);
    return EXIT_FAILED;
  }
  for (const line of renderReport(run, options.format)) io.out(line);
  return benchExitCode(run.results);
}

/**
 * Runs the scenarios through the adapter at `options.adapter` against
 * `server`: `init`, the `benchmark` commands, then `shutdown` (5 s at most)
 * and SIGTERM. Resolves to the run, or to an error message when the adapter
 * could not start or its `init` failed.
 */
export async function runBench(
  server: ReferenceServer,
  options: BenchRunOptions,
  io: BenchIo,
): Promise<BenchRun | string> {
  const started = performance.now();
  const launch = await startAdapter(options.adapter, server.url, {
    verbose: options.verbose,
    stderr: io.err,
    initTimeoutMs: BENCH_COMMAND_TIMEOUT_MS,
    onStarted: () => io.progress(`Adapter: ${options.adapter}`),
  });
  if (typeof launch === "string") return launch;
  const { adapter, info } = launch;
  const { clientName, clientVersion, features } = info;
  io.progress(`Client: ${clientName} ${clientVersion}`);
  io.progress(`Features: ${show(features)}`);
  if (options.scale !== 1) io.progress(`Scale: ${options.scale} (CONFORMANCE_BENCH_SCALE)`);

  const http = new FetchBenchHttp(server.url);
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of options.scenarios) {
      const result = await runScenario(scenario, {
        adapter,
        http,
        features,
        scale: options.scale,
        progress: io.progress,
      });
      results.push(result);
      io.progress(`  ${scenarioStatusLine(result)}`);
    }
  } finally {
    await adapter.close(true);
  }
  return {
    serverUrl: server.url,
    clientName,
    clientVersion,
    features,
    scale: options.scale,
    results,
    durationMs: performance.now() - started,
  };
}

interface ScenarioDeps {
  readonly adapter: AdapterProcess;
  readonly http: BenchHttp;
  readonly features: unknown;
  readonly scale: number;
  readonly progress: (line: string) => void;
}

/** Prepares, warms up, measures, judges and cleans up one scenario. */
async function runScenario(scenario: BenchScenario, deps: ScenarioDeps): Promise<ScenarioResult> {
  const started = performance.now();
  const base = `/bench-${randomUUID()}`;
  const { warmup, measured } = iterationCounts(scenario, deps.scale);
  const result = (
    verdict: ScenarioResult["verdict"],
    fields: Partial<Pick<ScenarioResult, "warmup" | "measured" | "firstProblem">> = {},
  ): ScenarioResult => ({
    scenario,
    base,
    warmup: fields.warmup ?? { iterations: warmup, failed: 0 },
    measured: fields.measured ?? { iterations: measured, samples: 0, dropped: 0 },
    firstProblem: fields.firstProblem,
    verdict,
    durationMs: performance.now() - started,
  });

  const missing = missingFeatures(scenario.requires, deps.features);
  if (missing.length > 0) {
    return result({ status: "skipped", reason: `requires ${missing.join(", ")}` });
  }
  deps.progress(`${scenario.id}: ${warmup} warmup + ${measured} measured iterations`);

  // Every stream the scenario touches is deleted afterwards, so that earlier
  // scenarios do not leave the in-process server (and its heap) hundreds of MiB larger.
  const paths = new Set<string>();
  const http: BenchHttp = {
    create: (path, contentType) => {
      paths.add(path);
      return deps.http.create(path, contentType);
    },
    append: (path, contentType, body) => deps.http.append(path, contentType, body),
    delete: (path) => deps.http.delete(path),
  };
  try {
    try {
      await scenario.prepare?.(http, { base, scale: deps.scale });
    } catch (err) {
      const reason = `preparing the streams failed: ${err instanceof Error ? err.message : String(err)}`;
      return result({ status: "error", reason });
    }

    let firstProblem: string | undefined;
    const iterate = async (phase: "warmup" | "measure", i: number) => {
      const operation = scenario.operation({ base, iteration: i, scale: deps.scale });
      paths.add(operation.path);
      const iterationId = `${phase}-${i}`;
      const outcome = await sendBenchmark(deps.adapter, iterationId, operation);
      if (typeof outcome === "string") firstProblem ??= `${iterationId}: ${outcome}`;
      return outcome;
    };

    let warmupFailed = 0;
    for (let i = 0; i < warmup; i++) {
      if (typeof (await iterate("warmup", i)) === "string") warmupFailed++;
    }
    const samples: BenchSample[] = [];
    for (let i = 0; i < measured; i++) {
      const outcome = await iterate("measure", i);
      if (typeof outcome !== "string") samples.push(outcome);
    }

    let verdict: BenchVerdict = judge(
      samples,
      scenario.criteria,
      scenario.category === "throughput",
    );
    if (verdict.status === "error" && firstProblem !== undefined) {
      verdict = { status: "error", reason: `${verdict.reason}; first problem: ${firstProblem}` };
    }
    return result(verdict, {
      warmup: { iterations: warmup, failed: warmupFailed },
      measured: {
        iterations: measured,
        samples: samples.length,
        dropped: measured - samples.length,
      },
      firstProblem,
    });
  } finally {
    for (const path of paths) await http.delete(path).catch(() => undefined);
  }
}

/** Sends one `benchmark` command; resolves to the sample, or why there is none. */
async function sendBenchmark(
  adapter: AdapterProcess,
  iterationId: string,
  operation: BenchOperation,
): Promise<BenchSample | string> {
  const outcome = await adapter.send(
    { type: "benchmark", iterationId, operation },
    BENCH_COMMAND_TIMEOUT_MS,
  );
  return sampleOf(outcome, iterationId);
}

/**
 * A successful answer becomes a sample; anything else (an error result, a
 * timeout, an answer for another iteration after a desynchronising timeout,
 * a malformed `durationNs`) is a dropped sample, described.
 */
export function sampleOf(outcome: SendOutcome, iterationId: string): BenchSample | string {
  if (!outcome.ok) return outcome.error;
  const r = outcome.result;
  if (!isObj(r)) return `not a JSON object: ${show(r)}`;
  if (r["success"] !== true) return describeError(r);
  if (r["iterationId"] !== iterationId) {
    return `answer carries iterationId ${show(r["iterationId"])}`;
  }
  const ns = r["durationNs"];
  if (typeof ns !== "string" || !/^\d+$/.test(ns)) {
    return `durationNs must be an integer as a string, got ${show(ns)}`;
  }
  const metrics = isObj(r["metrics"]) ? r["metrics"] : {};
  return {
    durationMs: Number(ns) / 1e6,
    messagesProcessed: metricCount(metrics["messagesProcessed"]),
    bytesTransferred: metricCount(metrics["bytesTransferred"]),
  };
}

/** Only non-negative finite numbers count; anything else is treated as not reported. */
function metricCount(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function scenarioStatusLine(r: ScenarioResult): string {
  const v = r.verdict;
  switch (v.status) {
    case "skipped":
      return `${r.scenario.id}: skipped (${v.reason})`;
    case "error":
      return `${r.scenario.id}: ERROR (${v.reason})`;
    default:
      return `${r.scenario.id}: ${v.status === "pass" ? "pass" : "FAIL"} (${r.measured.samples}/${r.measured.iterations} samples, p50 ${v.latency.median.toFixed(2)} ms, ${(r.durationMs / 1000).toFixed(1)} s)`;
  }
}
