import type { ClientContext } from "./context.js";
import { OffsetGoneError, ParseError } from "./errors.js";
import { STREAM_NEXT_OFFSET } from "./headers.js";
import { sendRequest } from "./http.js";
import { sleep } from "./retry.js";
import { compareOffsets } from "./offset.js";
import type { CallOptions } from "./options.js";
import type { AnswerFacts, AnswerVerdict } from "./read-answer.js";

/** What a read's second look at its stream (a HEAD) needs. */
export interface SettleContext {
  context: ClientContext;
  url: string;
  call: CallOptions;
  signal: AbortSignal;
}

/** An answer that made no progress: retried like a failure, then a {@link ParseError}. */
export class NoProgress extends Error {
  constructor(readonly offset: string) {
    super(`no progress at offset ${offset}`);
  }
}

/**
 * The offset a judged answer leaves the reader at, or the error it is.
 * Offsets never move backwards: an empty answer behind the reader is either a
 * store briefly behind while a write commits (the reader stays where it is)
 * or a stream recreated under the same URL, which looks at its tail tell apart.
 */
export async function settleAnswer(
  settle: SettleContext,
  verdict: AnswerVerdict,
  facts: AnswerFacts,
  status: number,
): Promise<string> {
  const { requested, next, upToDate } = facts;
  const { url } = settle;
  switch (verdict) {
    case "advance":
      return next;
    case "caught-up":
      return requested;
    case "stalled":
      throw new NoProgress(requested);
    case "repeated-data":
      throw new ParseError(
        `Server sent data under an offset that did not advance (${next}): ${url}`,
        { url, status },
      );
    case "backwards-data":
      throw new ParseError(
        `Server moved the offset backwards (${requested} to ${next}) with data: ${url}`,
        { url, status },
      );
    case "behind":
      await confirmIncarnation(settle, requested);
      // Not recreated, only behind: without up to date it made no progress either.
      if (!upToDate) throw new NoProgress(requested);
      return requested;
  }
}

/**
 * The waits before each look at the stream's tail when an answer was behind
 * the reader: a store whose metadata lags its data (the reference server's
 * file store while a write commits, a lagging replica) catches up within
 * moments, a recreated stream stays behind. About 2 s in all, 4 HEADs at most.
 */
export const INCARNATION_LOOK_DELAYS_MS: readonly number[] = [0, 250, 750, 1000];

/**
 * Fails with {@link OffsetGoneError} (`reason: "recreated"`) when the
 * stream's tail stays behind `offset` on every look: the offset is from an
 * earlier stream. One look at or past `offset` ends it: only behind.
 */
async function confirmIncarnation(settle: SettleContext, offset: string): Promise<void> {
  const { context, url, call, signal } = settle;
  let tail: string | null = null;
  let status = 0;
  for (const delayMs of INCARNATION_LOOK_DELAYS_MS) {
    if (delayMs > 0) await sleep(delayMs, signal);
    const response = await sendRequest(context, {
      method: "HEAD",
      url,
      call,
      signal,
      retry: "all",
      error: { operation: "head" },
    });
    tail = response.headers.get(STREAM_NEXT_OFFSET);
    status = response.status;
    if (tail === null || compareOffsets(tail, offset) >= 0) return;
  }
  throw new OffsetGoneError(url, offset, {
    reason: "recreated",
    tail: tail ?? undefined,
    status,
  });
}
