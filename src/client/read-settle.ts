import type { ClientContext } from "./context.js";
import { OffsetGoneError, ParseError } from "./errors.js";
import { STREAM_NEXT_OFFSET } from "./headers.js";
import { sendRequest } from "./http.js";
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
 * or a stream recreated under the same URL, which a HEAD tells apart.
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
 * Fails with {@link OffsetGoneError} (`reason: "recreated"`) when the
 * stream's tail is behind `offset`: the offset is from an earlier stream.
 */
async function confirmIncarnation(settle: SettleContext, offset: string): Promise<void> {
  const { context, url, call, signal } = settle;
  const response = await sendRequest(context, {
    method: "HEAD",
    url,
    call,
    signal,
    retry: "all",
    error: { operation: "head" },
  });
  const tail = response.headers.get(STREAM_NEXT_OFFSET);
  if (tail !== null && compareOffsets(tail, offset) < 0) {
    throw new OffsetGoneError(url, offset, { reason: "recreated", tail, status: response.status });
  }
}
