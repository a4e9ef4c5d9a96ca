import { isAbsolute, resolve } from "node:path";
import { CATEGORIES, type Category } from "./types.js";

/** Options of `conformance/run.ts`. */
export interface CliOptions {
  /** Categories to keep (empty = all). */
  readonly suites: readonly Category[];
  /** Tags to keep (empty = all); a test matches if it or its file has one. */
  readonly tags: readonly string[];
  readonly failFast: boolean;
  /** Per-command timeout in ms. */
  readonly timeoutMs: number;
  /** Absolute path of the cases directory. */
  readonly casesDir: string;
  /** Absolute path of the adapter executable. */
  readonly adapter: string;
  readonly verbose: boolean;
  readonly help: boolean;
}

/** A bad command line: the CLI prints the message and exits non-zero. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export const DEFAULT_TIMEOUT_MS = 30_000;

export const USAGE = `Usage: npx tsx conformance/run.ts [options]

Runs the Durable Streams client conformance cases through an adapter process
against the reference server (started in-process on 127.0.0.1).

Options:
  --suite <name>    producer | consumer | lifecycle (repeatable or comma list)
  --tag <tag>       keep tests whose own or file tags contain the tag
                    (repeatable or comma list)
  --fail-fast       stop at the first failing case
  --timeout <ms>    per-command timeout (default ${DEFAULT_TIMEOUT_MS})
  --cases <dir>     cases directory (default: ../shared/conformance/cases
                    relative to the repository root)
  --adapter <path>  adapter executable (default: conformance/adapter in the
                    repository root; a relative path is resolved against the
                    current directory)
  --verbose         log every command and result to stderr
  --help            show this text

  --bench           benchmark mode instead (ADAPTER.md §10); --bench --help
                    lists its options`;

/**
 * Parses the command line (`process.argv.slice(2)`).
 *
 * Both `--opt value` and `--opt=value` are accepted. Relative `--cases` and
 * `--adapter` values are resolved against `cwd`; the defaults are resolved
 * against the repository root by the caller (`defaults` holds absolute paths).
 */
export function parseArgs(
  argv: readonly string[],
  defaults: { readonly casesDir: string; readonly adapter: string },
  cwd: string,
): CliOptions {
  const suites: Category[] = [];
  const tags: string[] = [];
  let failFast = false;
  let verbose = false;
  let help = false;
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  let casesDir = defaults.casesDir;
  let adapter = defaults.adapter;

  walkOptions(argv, ({ name, arg, value, flag }) => {
    switch (name) {
      case "--suite":
        addChoices(suites, value(), CATEGORIES, "suite");
        break;
      case "--tag":
        for (const t of splitList(value())) if (!tags.includes(t)) tags.push(t);
        break;
      case "--fail-fast":
        failFast = flag();
        break;
      case "--verbose":
        verbose = flag();
        break;
      case "--help":
      case "-h":
        help = flag();
        break;
      case "--timeout": {
        const raw = value();
        const n = Number(raw);
        if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n <= 0) {
          throw new UsageError(`--timeout needs a positive integer number of ms, got "${raw}"`);
        }
        timeoutMs = n;
        break;
      }
      case "--cases":
        casesDir = absolute(value(), cwd);
        break;
      case "--adapter":
        adapter = adapterPath(value(), cwd);
        break;
      default:
        throw new UsageError(`unknown argument "${arg}"`);
    }
  });
  return { suites, tags, failFast, timeoutMs, casesDir, adapter, verbose, help };
}

/** `--bench` anywhere on the command line selects benchmark mode (bench-args.ts). */
export function isBenchMode(argv: readonly string[]): boolean {
  return argv.some((arg) => arg === "--bench" || arg.startsWith("--bench="));
}

/** One command-line option as `walkOptions` hands it to its visitor. */
export interface OptionToken {
  /** The option name without an inline value (`--suite` for `--suite=x`). */
  readonly name: string;
  /** The argument as written. */
  readonly arg: string;
  /** The option's value: inline (`--opt=v`) or the next argument. */
  value(): string;
  /** Asserts the option has no inline value. */
  flag(): true;
  /** The inline value, or the next argument unless it is another option. */
  optionalValue(): string | undefined;
}

/**
 * Walks the options; `--opt value` and `--opt=value` are both accepted.
 * Shared by the conformance and the benchmark command lines.
 */
export function walkOptions(argv: readonly string[], visit: (token: OptionToken) => void): void {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const optionalValue = (): string | undefined => {
      if (inline !== undefined) return inline;
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) return undefined;
      i++;
      return next;
    };
    visit({
      name,
      arg,
      value: () => {
        const v = optionalValue();
        if (v === undefined) throw new UsageError(`option ${name} needs a value`);
        return v;
      },
      flag: () => {
        if (inline !== undefined) throw new UsageError(`option ${name} takes no value`);
        return true;
      },
      optionalValue,
    });
  }
}

/**
 * Adds each comma-separated value of `raw` to `into` once, after checking
 * that it is one of `allowed` (`what` names the option in the error).
 */
export function addChoices<T extends string>(
  into: T[],
  raw: string,
  allowed: readonly T[],
  what: string,
): void {
  for (const item of splitList(raw)) {
    const choice = allowed.find((a) => a === item);
    if (choice === undefined) {
      throw new UsageError(`unknown ${what} "${item}" (expected one of: ${allowed.join(", ")})`);
    }
    if (!into.includes(choice)) into.push(choice);
  }
}

export function splitList(raw: string): string[] {
  const items = raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
  if (items.length === 0) throw new UsageError(`empty list "${raw}"`);
  return items;
}

export function absolute(p: string, cwd: string): string {
  if (p.length === 0) throw new UsageError("empty path");
  return isAbsolute(p) ? p : resolve(cwd, p);
}

/**
 * An adapter path from the command line, made absolute. Upstream maps `ts` and
 * `typescript` to its own bundled TypeScript adapter, which is not part of
 * this project.
 */
export function adapterPath(raw: string, cwd: string): string {
  if (raw === "ts" || raw === "typescript") {
    throw new UsageError(
      `--adapter ${raw}: the upstream reference adapter is not available here; give the path of an executable adapter`,
    );
  }
  return absolute(raw, cwd);
}
