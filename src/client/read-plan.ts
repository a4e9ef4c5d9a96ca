import { isJsonContentType } from "./content-type.js";
import { NetworkError } from "./errors.js";
import { Offset } from "./offset.js";
import type { LiveMode } from "./read-options.js";
import { NoProgress } from "./read-settle.js";

/**
 * The decisions of one read, as pure functions of its state: which request
 * comes next, how it tails, what the end of an SSE connection means, and
 * what a failure means. The driver (`read-session.ts`) only carries them out.
 */

/** How a read tails once it is up to date (`auto` resolved). */
export type Tail = "off" | "long-poll" | "sse";

/** What the next step of a read depends on. */
export interface PlanState {
  readonly live: LiveMode;
  readonly tail: Tail;
  readonly upToDate: boolean;
  readonly closed: boolean;
  /** A live request was interrupted (hidden, offline, wake): catch up once with a plain GET. */
  readonly resumeWithGet: boolean;
  /** The page is hidden now. */
  readonly hidden: boolean;
}

/**
 * - `done`: the read is over (closed, or up to date without live).
 * - `catch-up`: a plain GET, at once.
 * - `resume`: a plain GET once the page is visible (after an interruption, or
 *   a page hidden between two long-polls: it resumes like a cut-short poll).
 * - `long-poll`: a long-poll GET, interruptible.
 * - `sse`: hold SSE connections.
 */
export type ReadStep = "done" | "catch-up" | "resume" | "long-poll" | "sse";

/** The next step of a read. Pure: tested as a table. */
export function nextStep(state: PlanState): ReadStep {
  if (state.closed || (state.upToDate && state.live === "off")) return "done";
  if (state.resumeWithGet) return "resume";
  if (!state.upToDate) return "catch-up";
  if (state.tail === "sse") return "sse";
  return state.hidden ? "resume" : "long-poll";
}

/**
 * The `live` of the first request: none, keeping catch-up cacheable, except a
 * long-poll from `now`: there is nothing to catch up on, so it waits at once.
 */
export function firstRequestLive(startOffset: string, live: LiveMode): "long-poll" | undefined {
  return startOffset === Offset.now && live === "long-poll" ? live : undefined;
}

/**
 * How a read tails. `auto` uses SSE only where it is lossless: an event-stream
 * line cannot carry a bare CR, and servers that write `data:` without the
 * separating space (the reference server does) lose a text line's leading
 * space. JSON text starts with `[`, so JSON streams are safe; text and bytes
 * long-poll.
 */
export function tailFor(live: LiveMode, contentType: string | undefined): Tail {
  if (live !== "auto") return live;
  return isJsonContentType(contentType) ? "sse" : "long-poll";
}

/** What ends SSE connections early: settings of `ReadOptions.sse`. */
export interface SseLimits {
  readonly minConnectionMs: number;
  readonly maxShortConnections: number;
}

/**
 * After an SSE connection ended by itself (not interrupted):
 * - `done`: the stream closed.
 * - `reconnect`: it lived long enough; connect again at once.
 * - `back-off`: it died young; wait, then connect again.
 * - `fall-back`: too many died young in a row; long-poll instead.
 */
export type SseVerdict = "done" | "reconnect" | "back-off" | "fall-back";

/**
 * Judges the end of one SSE connection. `lifetimeMs` is undefined when it
 * never delivered an event (its request failed, retries included): it died
 * young. Returns the count of young deaths in a row after this one. Pure.
 */
export function afterSseConnection(
  closed: boolean,
  lifetimeMs: number | undefined,
  shortConnections: number,
  limits: SseLimits,
): { verdict: SseVerdict; shortConnections: number } {
  if (closed) return { verdict: "done", shortConnections };
  if (lifetimeMs !== undefined && lifetimeMs >= limits.minConnectionMs) {
    return { verdict: "reconnect", shortConnections: 0 };
  }
  const count = shortConnections + 1;
  return {
    verdict: count >= limits.maxShortConnections ? "fall-back" : "back-off",
    shortConnections: count,
  };
}

/**
 * What an SSE request's answer means: `events` to read, `fall-back` to
 * long-poll (a server or proxy without SSE, under `auto`), or `unsupported`
 * (an error: SSE was asked for explicitly).
 */
export function sseAnswerKind(
  contentType: string | undefined,
  hasBody: boolean,
  live: LiveMode,
): "events" | "fall-back" | "unsupported" {
  if (contentType === "text/event-stream" && hasBody) return "events";
  return live === "sse" ? "unsupported" : "fall-back";
}

/**
 * What a failed request or answer of a read means:
 * - `stalled`: an answer that made no progress; retried like a failure.
 * - `transient`: a broken connection; resumed from the last offset.
 * - `fatal`: anything else (an HTTP error, a parse error, the read stopped).
 * Pure.
 */
export function readFailureKind(
  error: unknown,
  stopped: boolean,
): "stalled" | "transient" | "fatal" {
  if (error instanceof NoProgress) return "stalled";
  return !stopped && error instanceof NetworkError ? "transient" : "fatal";
}
