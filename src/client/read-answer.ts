import type { Payload } from "./chunk.js";
import { Offset, compareOffsets } from "./offset.js";

/**
 * What one read answer means for the reader, decided from its offsets alone:
 * - `advance`: the offset moved forward (with or without data).
 * - `caught-up`: nothing new at the tail (up to date, or closed); normal.
 * - `stalled`: nothing new, same offset, and not up to date: no progress.
 * - `behind`: nothing new, and the server's tail is behind the offset asked
 *   for: the stream may have been recreated under the same URL (or a store is
 *   briefly behind while a write commits; only a second look can tell).
 * - `repeated-data`: data under an offset that did not advance (delivering it
 *   would show it twice).
 * - `backwards-data`: data under an older offset.
 */
export type AnswerVerdict =
  "advance" | "caught-up" | "stalled" | "behind" | "repeated-data" | "backwards-data";

/** The parts of an answer its verdict depends on. */
export interface AnswerFacts {
  /** The offset the request asked from. */
  requested: Offset;
  /** The answer's `Stream-Next-Offset` (or SSE `streamNextOffset`). */
  next: Offset;
  /** Whether it carried data (a JSON `[]` carries none). */
  hasData: boolean;
  upToDate: boolean;
  closed: boolean;
}

/** Judges one answer. Pure: tested as a table. */
export function judgeAnswer(facts: AnswerFacts): AnswerVerdict {
  const { requested, next, hasData, upToDate, closed } = facts;
  // From a sentinel any offset the server names is forward.
  if (requested === Offset.beginning || requested === Offset.now) return "advance";
  const order = compareOffsets(next, requested);
  if (order > 0) return "advance";
  if (order === 0) {
    if (hasData) return "repeated-data";
    return upToDate || closed ? "caught-up" : "stalled";
  }
  return hasData ? "backwards-data" : "behind";
}

/** An empty answer that came back sooner than this did not wait: it counts toward pacing. */
export const QUICK_ANSWER_MS = 250;
/** The pacing bound after the first quick empty answers, doubling per further one. */
const PACE_BASE_MS = 250;
const PACE_MAX_MS = 5_000;
/** Quick empty answers tolerated before pacing starts (one is ordinary: a tail reached at once). */
const PACE_FREE_ANSWERS = 2;

/**
 * The wait before the next live request after `streak` quick empty answers
 * in a row: none for the first ones, then a growing bound (half fixed, half
 * jittered, so readers do not fall into step), so that a server or cache that
 * answers at once without waiting never turns a live read into a request
 * storm.
 */
export function paceDelay(streak: number, random: () => number = Math.random): number {
  if (streak < PACE_FREE_ANSWERS) return 0;
  const bound = Math.min(PACE_MAX_MS, PACE_BASE_MS * 2 ** (streak - PACE_FREE_ANSWERS));
  return bound / 2 + (random() * bound) / 2;
}

/**
 * What identifies an answer a cache could replay: two empty answers with the
 * same status, offset, cursor and entity tag in a row mean the same cached
 * response came back, and the next request should bypass the cache.
 */
export function answerSignature(
  status: number,
  next: Offset,
  cursor: string | undefined,
  etag: string | null,
): string {
  return `${status}\u0000${next}\u0000${cursor ?? ""}\u0000${etag ?? ""}`;
}

/** The query parameter that makes a request miss any cache (PROTOCOL.md §10). */
export const CACHE_BUSTER = "cache-buster";

/** A value for {@link CACHE_BUSTER}: unique per request. */
export function cacheBusterValue(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** Whether a JSON body is an empty array (`[]`, whitespace allowed): it carries no messages. */
export function isEmptyJsonArray(bytes: Uint8Array): boolean {
  // 0: before "[", 1: inside, 2: after "]".
  let state = 0;
  for (const byte of bytes) {
    if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) continue;
    if (state === 0 && byte === 0x5b) state = 1;
    else if (state === 1 && byte === 0x5d) state = 2;
    else return false;
  }
  return state === 2;
}

/**
 * What a read remembers of its recent empty answers: how many came back in a
 * row without waiting (they pace the next long-poll) and whether the last two
 * were the same answer (a cache replaying it: the next request goes around it).
 */
export class EmptyAnswerTracker {
  private quickInARow = 0;
  private last: string | undefined;
  private bust = false;

  /** An answer that moved the offset forward: the read is healthy. */
  progressed(): void {
    this.quickInARow = 0;
    this.last = undefined;
  }

  /** An empty answer with this signature; `quick` when it was a long-poll that did not wait. */
  empty(signature: string, quick: boolean): void {
    this.quickInARow = quick ? this.quickInARow + 1 : 0;
    if (signature === this.last) this.bust = true;
    this.last = signature;
  }

  /** The wait before the next long-poll. */
  paceDelay(random?: () => number): number {
    return paceDelay(this.quickInARow, random);
  }

  /** A cache-buster value for the next request when one is due (once), else undefined. */
  takeCacheBuster(): string | undefined {
    if (!this.bust) return undefined;
    this.bust = false;
    return cacheBusterValue();
  }
}

/** Whether a JSON text is an empty array (trimming only looks at its two ends). */
function isEmptyJsonText(text: string): boolean {
  return /^\[\s*\]$/.test(text.trim());
}

/** Whether a chunk's payload carries messages (a JSON `[]`, as a body or an SSE data event, carries none). */
export function payloadHasData(payload: Payload, json: boolean): boolean {
  if (payload === undefined) return false;
  if (Array.isArray(payload)) return payload.some((event) => !isEmptyJsonText(event));
  // A JSON body decoded as text: `[]` (with any whitespace) carries no message.
  if (typeof payload === "string") return payload.length > 0 && !(json && isEmptyJsonText(payload));
  return payload.length > 0 && !(json && isEmptyJsonArray(payload));
}
