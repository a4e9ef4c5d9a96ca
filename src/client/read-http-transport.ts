import { concatBytes, type Payload } from "./chunk.js";
import { isJsonContentType } from "./content-type.js";
import { ParseError } from "./errors.js";
import {
  STREAM_CLOSED,
  STREAM_CURSOR,
  STREAM_NEXT_OFFSET,
  STREAM_UP_TO_DATE,
  isTrueHeader,
} from "./headers.js";
import { combineSignals, readBody, sendRequest } from "./http.js";
import {
  CACHE_BUSTER,
  EmptyAnswerTracker,
  QUICK_ANSWER_MS,
  answerSignature,
  judgeAnswer,
  payloadHasData,
} from "./read-answer.js";
import type { AnswerPiece } from "./read-position.js";
import type { ReadSession, ReadSessionObserver } from "./read-session.js";
import { settleAnswer, type SettleContext } from "./read-settle.js";
import type { RetrySchedule } from "./retry.js";

/**
 * A response body larger than this is handed on in pieces as it arrives, so
 * memory stays flat however large the server's responses are. Small pieces
 * hold less: with 1 MiB ones, iterating 100 MiB peaked 1.21x upstream's RSS
 * (the held chunks plus the joined copy, and the dead copies before a GC);
 * with 64 KiB, 0.94 to 1.04x (bench:node --only memory).
 */
const PIECE_BYTES = 1 << 16;

/** What a read's transports share with its driver. Internal. */
export interface TransportHost extends SettleContext {
  readonly observer: ReadSessionObserver;
  /** The read as it stands: requests ask from its offset and cursor. */
  readonly session: ReadSession;
  /** The read's resumptions after failures; a healthy answer resets it. */
  readonly schedule: RetrySchedule;
}

/** GETs of one read, and their answers as settled pieces. Internal. */
export interface HttpTransport {
  /** A GET from the read's offset; live ones carry the cursor. */
  request(live?: "long-poll" | "sse", signal?: AbortSignal): Promise<Response>;
  /** One response's answer, in pieces when its body is large; offsets checked (`settleAnswer`). */
  answer(response: Response): AsyncGenerator<AnswerPiece>;
  /** The wait before the next long-poll: a server or cache answering at once is paced, never stormed. */
  paceDelay(): number;
}

/** The catch-up and long-poll transport of one read. */
export function httpTransport(host: TransportHost): HttpTransport {
  const { context, url, call, session, observer } = host;
  const emptyAnswers = new EmptyAnswerTracker();
  const handedOn: HandedOn = { bytes: 0 };
  /** When the last request went out, and whether it was a long-poll. */
  let sentAt = 0;
  let sentLongPoll = false;

  const request = async (live?: "long-poll" | "sse", signal?: AbortSignal) => {
    const { offset } = session;
    const buster = emptyAnswers.takeCacheBuster();
    sentAt = Date.now();
    sentLongPoll = live === "long-poll";
    const response = await sendRequest(
      context,
      {
        method: "GET",
        url,
        query: { offset, live, cursor: live && session.cursor, [CACHE_BUSTER]: buster },
        call,
        signal: combineSignals(host.signal, signal),
        retry: "all",
        error: { operation: "read", offset },
      },
      (info) => observer.onRetry?.(info),
    );
    // An SSE connection reports its health by delivering batches instead.
    if (live !== "sse") observer.onConnected?.();
    return response;
  };

  async function* answer(response: Response): AsyncGenerator<AnswerPiece> {
    const { headers, status } = response;
    const requested = session.offset;
    const closed = isTrueHeader(headers.get(STREAM_CLOSED));
    const nextOffset = headers.get(STREAM_NEXT_OFFSET);
    const cursor = headers.get(STREAM_CURSOR) ?? session.cursor;
    const upToDate = closed || headers.has(STREAM_UP_TO_DATE);
    const quick = sentLongPoll && Date.now() - sentAt < QUICK_ANSWER_MS;
    const json = isJsonContentType(session.contentType);
    const body = yield* bodyPieces(response, json, host, handedOn);
    if (nextOffset === null && (body.held > 0 || handedOn.bytes > 0)) {
      throw new ParseError(`Server sent data without a Stream-Next-Offset: ${url}`, {
        url,
        status,
      });
    }
    const next = nextOffset ?? requested;
    const facts = {
      requested,
      next,
      hasData: payloadHasData(body.payload, json),
      upToDate,
      closed,
    };
    const verdict = judgeAnswer(facts);
    const offset = await settleAnswer(host, verdict, facts, status);
    if (verdict === "advance") emptyAnswers.progressed();
    else emptyAnswers.empty(answerSignature(status, next, cursor, headers.get("etag")), quick);
    yield { payload: body.payload, offset, cursor, upToDate, closed, partial: false };
    handedOn.bytes = 0;
  }

  return { request, answer, paceDelay: () => emptyAnswers.paceDelay() };
}

/** Bytes of an interrupted response already handed on as pieces; a retry skips them. */
interface HandedOn {
  bytes: number;
}

/**
 * Reads a body, yielding a piece whenever PIECE_BYTES are held (bytes; a JSON
 * body is decoded as it arrives instead: joining its pieces into one buffer
 * first costs an allocation, and its page faults, the size of the body).
 * Returns the rest. Skips what an interrupted try already handed on.
 */
async function* bodyPieces(
  response: Response,
  json: boolean,
  host: TransportHost,
  handedOn: HandedOn,
): AsyncGenerator<AnswerPiece, { payload: Payload; held: number }> {
  const { session, url } = host;
  const broke = `Connection to ${url} broke mid-response`;
  const pieces: Uint8Array[] = [];
  const decoder = json ? new TextDecoder() : undefined;
  let text = "";
  let held = 0;
  let skip = handedOn.bytes;
  const reader = response.status === 204 ? undefined : response.body?.getReader();
  try {
    while (reader) {
      const result = await readBody(reader, host.signal, url, broke);
      if (result.done) break;
      let bytes = result.value;
      session.bytesReceived += bytes.length;
      if (skip > 0) {
        const dropped = Math.min(skip, bytes.length);
        bytes = bytes.subarray(dropped);
        skip -= dropped;
      }
      if (bytes.length === 0) continue;
      held += bytes.length;
      if (decoder) {
        text += decoder.decode(bytes, { stream: true });
        continue;
      }
      pieces.push(bytes);
      if (held < PIECE_BYTES) continue;
      const payload = concatBytes(pieces, held);
      handedOn.bytes += held;
      pieces.length = held = 0;
      const { offset, cursor } = session;
      yield { payload, offset, cursor, upToDate: false, closed: false, partial: true };
    }
  } finally {
    reader?.releaseLock();
  }
  if (held === 0) return { payload: undefined, held };
  return { payload: decoder ? text + decoder.decode() : concatBytes(pieces, held), held };
}
