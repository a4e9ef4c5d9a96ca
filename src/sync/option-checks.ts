import { InvalidArgumentError } from "../client/index.js";

/**
 * Checks of what a view or a provider was given, before any I/O: a typo such
 * as `live: "bogus"` throws an `InvalidArgumentError` naming the option and
 * what it allows, instead of quietly reading with a default.
 */

const READ_AS = ["json", "text", "bytes"] as const;
const LIVE_MODES = ["off", "long-poll", "sse", "auto"] as const;

/** A value as a message shows it: strings quoted, so `""` and `"1"` read as strings. */
function shown(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return "a function";
  if (Array.isArray(value)) return "an array";
  if (value !== null && typeof value === "object") return "an object";
  return String(value);
}

function fail(option: string, rule: string, value: unknown): never {
  throw new InvalidArgumentError(option, `must be ${rule}, got ${shown(value)}`);
}

function oneOf(option: string, value: unknown, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    fail(option, `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`, value);
  }
}

function ofType(option: string, value: unknown, type: "string" | "boolean" | "function"): void {
  if (value !== undefined && typeof value !== type) fail(option, `a ${type}`, value);
}

function nonEmptyString(option: string, value: unknown): void {
  if (value !== undefined && (typeof value !== "string" || value === "")) {
    fail(option, "a non-empty string", value);
  }
}

function milliseconds(option: string, value: unknown, { zero }: { zero: boolean }): void {
  if (value === undefined) return;
  const ok = typeof value === "number" && Number.isFinite(value) && (zero ? value >= 0 : value > 0);
  if (!ok)
    fail(option, zero ? "a number of milliseconds >= 0" : "a number of milliseconds > 0", value);
}

/** `"frame"`, a number of milliseconds >= 0, or `false`. */
export function checkThrottle(option: string, value: unknown): void {
  if (value === undefined || value === "frame" || value === false) return;
  if (typeof value === "number" && Number.isFinite(value) && value >= 0) return;
  fail(option, `"frame", a number of milliseconds >= 0, or false`, value);
}

/** What a live view was given (the hooks' options and URL), as they arrive from JavaScript. */
export interface ViewOptionsInput {
  url: unknown;
  as?: unknown;
  live?: unknown;
  throttle?: unknown;
  persist?: unknown;
  version?: unknown;
  pauseWhenHidden?: unknown;
  reducer?: unknown;
  select?: unknown;
  queryKey?: unknown;
}

/** Throws an `InvalidArgumentError` naming the first option a live view cannot use. */
export function checkViewOptions(options: ViewOptionsInput): void {
  if (options.url !== null && (typeof options.url !== "string" || options.url === "")) {
    fail("url", "a non-empty string, or null to disable the view", options.url);
  }
  oneOf("as", options.as, READ_AS);
  oneOf("live", options.live, LIVE_MODES);
  checkThrottle("throttle", options.throttle);
  nonEmptyString("persist", options.persist);
  nonEmptyString("version", options.version);
  ofType("pauseWhenHidden", options.pauseWhenHidden, "boolean");
  ofType("reducer", options.reducer, "function");
  ofType("select", options.select, "function");
  if (options.queryKey !== undefined && !Array.isArray(options.queryKey)) {
    fail("queryKey", "an array", options.queryKey);
  }
}

/** What a provider (a runtime) was given. */
export interface RuntimeOptionsInput {
  gracePeriodMs?: unknown;
  throttle?: unknown;
  checkpointIntervalMs?: unknown;
}

/** Throws an `InvalidArgumentError` naming the first setting a runtime cannot use. */
export function checkRuntimeOptions(options: RuntimeOptionsInput): void {
  milliseconds("gracePeriodMs", options.gracePeriodMs, { zero: true });
  checkThrottle("throttle", options.throttle);
  milliseconds("checkpointIntervalMs", options.checkpointIntervalMs, { zero: false });
}
