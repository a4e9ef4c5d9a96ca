import { requireArgument } from "./errors.js";

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

/** Retry-After values beyond this are treated as this (a server asking for a day is ignored). */
const RETRY_AFTER_CAP_MS = 3_600_000;

/** Fills defaults and rejects nonsense with an {@link InvalidArgumentError} naming the option. */
export function resolveRetryPolicy(options: RetryOptions = {}): RetryPolicy {
  const { maxRetries = 3, initialDelayMs = 100, maxDelayMs = 30_000, multiplier = 2 } = options;
  requireArgument(
    (Number.isInteger(maxRetries) || maxRetries === Infinity) && maxRetries >= 0,
    "retry.maxRetries",
    "a non-negative integer or Infinity",
    maxRetries,
  );
  requireArgument(
    initialDelayMs > 0 && Number.isFinite(initialDelayMs),
    "retry.initialDelayMs",
    "greater than 0",
    initialDelayMs,
  );
  requireArgument(
    maxDelayMs >= initialDelayMs,
    "retry.maxDelayMs",
    `at least initialDelayMs (${initialDelayMs})`,
    maxDelayMs,
  );
  requireArgument(
    multiplier >= 1 && Number.isFinite(multiplier),
    "retry.multiplier",
    "at least 1",
    multiplier,
  );
  return Object.freeze({ maxRetries, initialDelayMs, maxDelayMs, multiplier });
}

/**
 * The wait before retry number `attempt` (0-based): full jitter over an
 * exponentially growing bound, never below the server's `Retry-After`.
 */
export function backoffDelay(
  policy: RetryPolicy,
  attempt: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const bound = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** attempt);
  return Math.max(random() * bound, retryAfterMs ?? 0);
}

/**
 * The retries of one operation under a policy: each layer that retries (a
 * request, a read's resumptions) counts its attempts with one of these, so
 * every wait follows the same backoff and every caller can say when the next
 * attempt goes.
 */
export interface RetrySchedule {
  /** Failures counted since the start or the last {@link reset}. */
  readonly attempts: number;
  /**
   * Counts a failure and returns the wait before the next attempt, or
   * `undefined` when retries are spent (by count, or past the deadline).
   */
  next(retryAfterMs?: number): number | undefined;
  /** The operation succeeded: the next failure waits like the first. */
  reset(): void;
}

/**
 * A schedule bounded by `policy.maxRetries`, or by `deadline` (ms since the
 * epoch) instead: for operations that are safe to repeat until then.
 */
export function retrySchedule(policy: RetryPolicy, deadline?: number): RetrySchedule {
  let attempts = 0;
  return {
    get attempts() {
      return attempts;
    },
    next(retryAfterMs) {
      const delayMs = backoffDelay(policy, attempts, retryAfterMs);
      if (deadline === undefined) {
        if (attempts >= policy.maxRetries) return undefined;
        attempts++;
        return delayMs;
      }
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      attempts++;
      return Math.min(delayMs, left);
    },
    reset() {
      attempts = 0;
    },
  };
}

/** Parses `Retry-After` (delta seconds or an HTTP date) into milliseconds, capped at one hour. */
export function parseRetryAfter(
  header: string | null,
  now: number = Date.now(),
): number | undefined {
  const trimmed = header?.trim() ?? "";
  // Every HTTP-date form (IMF-fixdate, RFC 850, asctime) starts with the day name.
  // Anything else is not a date, however leniently `Date.parse` would read it
  // ("1.5" is a day in 2001, "retry 2099" a year far ahead).
  const ms = /^\d+$/.test(trimmed)
    ? Number(trimmed) * 1000
    : /^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s/i.test(trimmed)
      ? Math.max(0, Date.parse(trimmed) - now)
      : NaN;
  return Number.isNaN(ms) ? undefined : Math.min(ms, RETRY_AFTER_CAP_MS);
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
