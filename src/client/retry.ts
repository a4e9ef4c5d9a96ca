import { InvalidArgumentError } from "./errors.js";

/** Retry policy for 429, 5xx and network failures. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 3; 0 disables retrying. */
  maxRetries?: number;
  /** Upper bound of the first backoff wait. Default 100 ms. */
  initialDelayMs?: number;
  /** Upper bound of any backoff wait (a `Retry-After` floor may exceed it). Default 30 s. */
  maxDelayMs?: number;
  /** Growth factor of the backoff bound per attempt. Default 2. */
  multiplier?: number;
}

/** A validated, complete retry policy. */
export type RetryPolicy = Readonly<Required<RetryOptions>>;

export const DEFAULT_RETRY: RetryPolicy = {
  maxRetries: 3,
  initialDelayMs: 100,
  maxDelayMs: 30_000,
  multiplier: 2,
};

/** Retry-After values beyond this are treated as this (a server asking for a day is ignored). */
const RETRY_AFTER_CAP_MS = 3_600_000;

const HTTP_DATE_START = /^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s/i;

/** Fills defaults and rejects nonsense with an {@link InvalidArgumentError} naming the option. */
export function resolveRetryPolicy(options: RetryOptions | undefined): RetryPolicy {
  const policy = { ...DEFAULT_RETRY, ...definedEntries(options) };
  const { maxRetries, initialDelayMs, maxDelayMs, multiplier } = policy;
  if (!Number.isInteger(maxRetries) && maxRetries !== Infinity) {
    throw new InvalidArgumentError("retry.maxRetries", `must be an integer, got ${maxRetries}`);
  }
  if (maxRetries < 0) {
    throw new InvalidArgumentError("retry.maxRetries", `must not be negative, got ${maxRetries}`);
  }
  if (!(initialDelayMs > 0) || !Number.isFinite(initialDelayMs)) {
    throw new InvalidArgumentError(
      "retry.initialDelayMs",
      `must be greater than 0, got ${initialDelayMs}`,
    );
  }
  if (!(maxDelayMs >= initialDelayMs)) {
    throw new InvalidArgumentError(
      "retry.maxDelayMs",
      `must be at least initialDelayMs (${initialDelayMs}), got ${maxDelayMs}`,
    );
  }
  if (!(multiplier >= 1) || !Number.isFinite(multiplier)) {
    throw new InvalidArgumentError("retry.multiplier", `must be at least 1, got ${multiplier}`);
  }
  return Object.freeze(policy);
}

function definedEntries(options: RetryOptions | undefined): RetryOptions {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(options ?? {})) {
    if (value !== undefined) out[key] = value as number;
  }
  return out;
}

/**
 * The wait before retry number `attempt` (0-based): full jitter over an
 * exponentially growing bound, never below the server's `Retry-After`.
 */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const bound = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** attempt);
  const jittered = random() * bound;
  return retryAfterMs === undefined ? jittered : Math.max(jittered, retryAfterMs);
}

/** Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds, capped at one hour. */
export function parseRetryAfter(
  header: string | null,
  now: number = Date.now(),
): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Math.min(Number(trimmed) * 1000, RETRY_AFTER_CAP_MS);
  // Every HTTP-date form (IMF-fixdate, RFC 850, asctime) starts with the day name.
  // Anything else is not a date, however leniently `Date.parse` would read it
  // ("1.5" is a day in 2001, "retry 2099" a year far ahead).
  if (!HTTP_DATE_START.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.min(Math.max(0, date - now), RETRY_AFTER_CAP_MS);
}

/** Waits `ms`, rejecting with the signal's reason the moment it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
