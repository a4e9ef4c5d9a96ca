import { resolve } from "node:path";
import { startAdapter } from "./adapter-init.js";
import { parseArgs, USAGE, UsageError, type CliOptions } from "./cli-args.js";
import { show } from "./expectations.js";
import { runCase } from "./execute.js";
import { skipReason } from "./features.js";
import { KNOWN_DEVIATIONS } from "./known-deviations.js";
import { existsSync } from "node:fs";
import { CaseLoadError, filterCases, loadCases } from "./load-cases.js";
import { caseLine, summaryLines } from "./report.js";
import { HttpServerSteps, startReferenceServer, type ReferenceServer } from "./server.js";
import type { CaseOutcome, TestCase } from "./types.js";

export interface RunIo {
  /** One report line (stdout). */
  readonly out: (line: string) => void;
  /** Diagnostics: adapter stderr and verbose logs (stderr). */
  readonly err: (text: string) => void;
  readonly cwd: string;
  /**
   * Whether the default cases must be there (CI): without it, a plain clone
   * without `../shared` skips the run with a note instead of failing.
   * Cases asked for with `--cases` must always exist.
   */
  readonly requireDefaultCases?: boolean;
}

/** Exit status of a run that could not start (bad arguments, missing cases, adapter). */
export const EXIT_ERROR = 2;
/** Exit status when at least one case failed (also when the adapter cannot init). */
export const EXIT_FAILED = 1;

/**
 * Parses a command line; a usage error (reported with the usage text) or
 * `--help` becomes the exit status to return instead.
 */
export function parseOrExit<T extends { help: boolean }>(
  parse: () => T,
  usage: string,
  io: RunIo,
): T | number {
  let options: T;
  try {
    options = parse();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.out(`ERROR: ${err.message}`);
    io.out(usage);
    return EXIT_ERROR;
  }
  if (options.help) io.out(usage);
  return options.help ? 0 : options;
}

/**
 * The conformance CLI. `repoRoot` anchors the defaults: the cases in
 * `<repoRoot>/../shared/conformance/cases` and the adapter
 * `<repoRoot>/conformance/adapter`. Resolves to the exit status.
 */
export async function main(argv: readonly string[], io: RunIo, repoRoot: string): Promise<number> {
  const defaultCases = resolve(repoRoot, "../shared/conformance/cases");
  const options = parseOrExit(
    () =>
      parseArgs(
        argv,
        { casesDir: defaultCases, adapter: resolve(repoRoot, "conformance/adapter") },
        io.cwd,
      ),
    USAGE,
    io,
  );
  if (typeof options === "number") return options;
  if (options.casesDir === defaultCases && !io.requireDefaultCases && !existsSync(defaultCases)) {
    io.out(
      `SKIP: no conformance cases at ${defaultCases} (a clone without ../shared; CI requires them)`,
    );
    return 0;
  }

  let cases: TestCase[];
  try {
    cases = filterCases(await loadCases(options.casesDir), options);
  } catch (err) {
    if (!(err instanceof CaseLoadError)) throw err;
    io.out(`ERROR: cannot load the conformance cases: ${err.message}`);
    return EXIT_ERROR;
  }
  io.out(`Cases: ${cases.length} selected from ${options.casesDir}`);

  const started = performance.now();
  const server = await startReferenceServer();
  io.out(`Reference server: ${server.url}`);
  let run: RunResult;
  try {
    run = await runWithServer(cases, options, server, io);
  } finally {
    await server.stop();
  }
  if (run.outcomes === undefined) return run.code;
  const notRun = cases.length - run.outcomes.length;
  for (const line of summaryLines(run.outcomes, notRun, performance.now() - started)) io.out(line);
  return run.code;
}

/** Exit status, and the outcomes when the cases ran. */
interface RunResult {
  readonly code: number;
  readonly outcomes?: readonly CaseOutcome[];
}

async function runWithServer(
  cases: readonly TestCase[],
  options: CliOptions,
  server: ReferenceServer,
  io: RunIo,
): Promise<RunResult> {
  const started = await startAdapter(options.adapter, server.url, {
    verbose: options.verbose,
    stderr: io.err,
    initTimeoutMs: 30_000,
    onStarted: () => io.out(`Adapter: ${options.adapter}`),
  });
  if (typeof started === "string") {
    io.out(`ERROR: ${started}`);
    return { code: EXIT_FAILED };
  }
  const { adapter, info } = started;
  const { features } = info;
  io.out(`Client: ${info.clientName} ${info.clientVersion}`);
  io.out(`Features: ${show(features)}`);

  const outcomes: CaseOutcome[] = [];
  const steps = new HttpServerSteps(server.url);
  let currentFile = "";
  for (const tc of cases) {
    if (tc.file !== currentFile) {
      currentFile = tc.file;
      io.out("");
      io.out(`${tc.file} (${tc.suiteId}, ${tc.category})`);
    }
    const outcome = await runOne(tc, features, () =>
      runCase(tc, { adapter, server: steps, timeoutMs: options.timeoutMs }),
    );
    outcomes.push(outcome);
    io.out(caseLine(outcome));
    if (options.failFast && outcome.status === "fail") break;
  }

  // End of run (§3.6): shutdown (5 s at most), SIGTERM; the caller then stops
  // the server and prints the summary.
  await adapter.close(true);
  return { code: outcomes.some((o) => o.status === "fail") ? EXIT_FAILED : 0, outcomes };
}

/** Skips, runs and classifies one case (known deviations are counted apart). */
async function runOne(
  tc: TestCase,
  features: unknown,
  execute: () => ReturnType<typeof runCase>,
): Promise<CaseOutcome> {
  const skip = skipReason(tc, features);
  if (skip !== undefined) return { test: tc, status: "skip", note: skip, durationMs: 0 };
  const t0 = performance.now();
  const failure = await execute();
  const durationMs = performance.now() - t0;
  const deviation = KNOWN_DEVIATIONS.get(tc.id);
  if (deviation !== undefined) {
    return {
      test: tc,
      status: "deviation",
      note: deviation,
      durationMs,
      ...(failure && { failure }),
    };
  }
  return failure === undefined
    ? { test: tc, status: "pass", durationMs }
    : { test: tc, status: "fail", failure, durationMs };
}
