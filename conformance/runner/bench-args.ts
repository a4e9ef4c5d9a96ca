import {
  BENCH_CATEGORIES,
  BENCH_SCENARIOS,
  type BenchCategory,
  type BenchScenario,
} from "./bench-scenarios.js";
import { adapterPath, addChoices, UsageError, walkOptions } from "./cli-args.js";

export const BENCH_FORMATS = ["console", "json", "markdown"] as const;
export type BenchFormat = (typeof BENCH_FORMATS)[number];

/** Options of `conformance/run.ts --bench`. */
export interface BenchCliOptions {
  /** Absolute path of the adapter executable. */
  readonly adapter: string;
  /** The scenarios to run, in the §10 order. */
  readonly scenarios: readonly BenchScenario[];
  readonly format: BenchFormat;
  readonly verbose: boolean;
  /** Reference server port; undefined = a random free port. */
  readonly port: number | undefined;
  readonly help: boolean;
}

export const BENCH_USAGE = `Usage: npx tsx conformance/run.ts --bench [options]

Benchmark mode (ADAPTER.md §10): runs the benchmark scenarios through an
adapter against the reference server (in-process on 127.0.0.1, default 30 s
long-poll timeout) and checks each scenario's pass criteria.

Options:
  --adapter <path>     adapter executable (default: conformance/adapter in the
                       repository root); \`--bench <path>\` works too
  --scenario <id>      run only these scenarios (repeatable or comma list):
                       ${BENCH_SCENARIOS.map((s) => s.id).join(",\n                       ")}
  --category <name>    ${BENCH_CATEGORIES.join(" | ")} (repeatable or comma
                       list); with --scenario, both filters apply
  --format <format>    ${BENCH_FORMATS.join(" | ")} (default console); json and
                       markdown print only the report on stdout, progress on
                       stderr
  --port <n>           reference server port (default: random free port)
  --verbose            log every command and result to stderr
  --help               show this text

Exit status: 0 when every scenario that ran passed its criteria, 1 when one
failed or errored (no measured sample), 2 on a bad command line.`;

/**
 * Parses a benchmark command line (it contains `--bench`). Relative adapter
 * paths are resolved against `cwd`; `defaultAdapter` is absolute.
 */
export function parseBenchArgs(
  argv: readonly string[],
  defaultAdapter: string,
  cwd: string,
): BenchCliOptions {
  let adapter = defaultAdapter;
  const ids: string[] = [];
  const categories: BenchCategory[] = [];
  let format: BenchFormat = "console";
  let verbose = false;
  let help = false;
  let port: number | undefined;

  walkOptions(argv, ({ name, arg, value, flag, optionalValue }) => {
    switch (name) {
      case "--bench": {
        // Upstream spells it `--bench <adapter>`; a bare `--bench` keeps the default.
        const path = optionalValue();
        if (path !== undefined) adapter = adapterPath(path, cwd);
        break;
      }
      case "--adapter":
        adapter = adapterPath(value(), cwd);
        break;
      case "--scenario":
        addChoices(
          ids,
          value(),
          BENCH_SCENARIOS.map((scenario) => scenario.id),
          "scenario",
        );
        break;
      case "--category":
        addChoices(categories, value(), BENCH_CATEGORIES, "category");
        break;
      case "--format": {
        const f = value();
        if (!(BENCH_FORMATS as readonly string[]).includes(f)) {
          throw new UsageError(
            `unknown format "${f}" (expected one of: ${BENCH_FORMATS.join(", ")})`,
          );
        }
        format = f as BenchFormat;
        break;
      }
      case "--port": {
        const raw = value();
        const n = Number(raw);
        if (!/^\d+$/.test(raw) || n > 65_535) {
          throw new UsageError(`--port needs a port number (0-65535), got "${raw}"`);
        }
        port = n;
        break;
      }
      case "--verbose":
        verbose = flag();
        break;
      case "--help":
      case "-h":
        help = flag();
        break;
      case "--report":
        throw new UsageError(
          "--report (merging saved benchmark-results.json files) is not supported by this runner",
        );
      default:
        throw new UsageError(`unknown argument "${arg}" in benchmark mode`);
    }
  });

  const scenarios = BENCH_SCENARIOS.filter(
    (s) =>
      (ids.length === 0 || ids.includes(s.id)) &&
      (categories.length === 0 || categories.includes(s.category)),
  );
  if (scenarios.length === 0 && !help) {
    throw new UsageError("no scenario matches both --scenario and --category");
  }
  return { adapter, scenarios, format, verbose, port, help };
}

/**
 * `CONFORMANCE_BENCH_SCALE` (0 < s ≤ 1) shrinks iteration and message counts
 * for quick runs (the runner's own tests); unset means a full run.
 */
export function benchScale(env: NodeJS.ProcessEnv): number {
  const raw = env["CONFORMANCE_BENCH_SCALE"];
  if (raw === undefined || raw === "") return 1;
  const n = Number(raw);
  if (!(n > 0 && n <= 1)) {
    throw new UsageError(`CONFORMANCE_BENCH_SCALE must be a number in (0, 1], got "${raw}"`);
  }
  return n;
}
