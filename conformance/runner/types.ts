/**
 * Shared types of the conformance runner.
 *
 * The runner reads the YAML cases (`../shared/conformance/cases`), drives a
 * client adapter over JSON lines (see ADAPTER.md next to the cases) and judges
 * every result strictly (ADAPTER.md §8, as tightened by this project).
 */

/** The only suite names accepted by `--suite` (the YAML `category`). */
export const CATEGORIES = ["producer", "consumer", "lifecycle"] as const;
export type Category = (typeof CATEGORIES)[number];

export function isCategory(value: string): value is Category {
  return (CATEGORIES as readonly string[]).includes(value);
}

/** A plain JSON-ish object as produced by the YAML parser or `JSON.parse`. */
export type Obj = Record<string, unknown>;

export function isObj(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One YAML step, untouched (validated when it is executed). */
export type RawStep = Obj;

/** One test case of a YAML file, with its file-level context attached. */
export interface TestCase {
  readonly id: string;
  readonly name: string;
  /** Path of the YAML file relative to the cases directory. */
  readonly file: string;
  /** The file's `id` (upstream calls it the suite id). */
  readonly suiteId: string;
  readonly category: Category;
  readonly tags: readonly string[];
  readonly fileTags: readonly string[];
  readonly requires: readonly string[];
  readonly fileRequires: readonly string[];
  /** The YAML `skip:` reason, if the test is marked skipped. */
  readonly skip: string | undefined;
  readonly setup: readonly RawStep[];
  readonly operations: readonly RawStep[];
  readonly cleanup: readonly RawStep[];
}

/** A command sent to the adapter: one JSON object with a `type`. */
export interface Command {
  readonly type: string;
  readonly [field: string]: unknown;
}

/**
 * What sending a command produced: either a parsed result line (any JSON
 * value; it is validated by the expectation checker) or a transport failure
 * (timeout, adapter exit, unparsable line) that no expectation can satisfy.
 */
export type SendOutcome =
  { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: string };

/** The adapter as the case executor sees it (a fake in unit tests). */
export interface AdapterConnection {
  send(command: Command, timeoutMs: number): Promise<SendOutcome>;
}

/** Why a case stopped: the step and the reason. */
export interface CaseFailure {
  /** e.g. `operations[2] read` or `setup[0] create`. */
  readonly step: string;
  readonly reason: string;
}

export type CaseStatus = "pass" | "fail" | "skip" | "deviation";

export interface CaseOutcome {
  readonly test: TestCase;
  readonly status: CaseStatus;
  /** Failure details (fail, and deviation when the case failed). */
  readonly failure?: CaseFailure;
  /** Skip reason or known-deviation reason. */
  readonly note?: string;
  readonly durationMs: number;
}
