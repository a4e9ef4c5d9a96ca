import { concatBytes, type Payload, type RawChunk } from "./chunk.js";
import type { ClientContext } from "./context.js";
import { isJsonContentType, normalizeContentType } from "./content-type.js";
import { DurableStreamError, NetworkError, ParseError } from "./errors.js";
import {
  STREAM_CLOSED,
  STREAM_CURSOR,
  STREAM_NEXT_OFFSET,
  STREAM_UP_TO_DATE,
  isTrueHeader,
} from "./headers.js";
import { combineSignals, readBody, sendRequest, type RetryInfo } from "./http.js";
import { Offset } from "./offset.js";
import { NoProgress, settleAnswer } from "./read-settle.js";
import {
  CACHE_BUSTER,
  EmptyAnswerTracker,
  QUICK_ANSWER_MS,
  answerSignature,
  judgeAnswer,
  payloadHasData,
} from "./read-answer.js";
import { interruptibly, whenReady, type InterruptionSources } from "./read-interruptions.js";
import type { LiveMode, ReadOptions } from "./read-options.js";
import { backoffDelay, sleep } from "./retry.js";
import { warnSseText } from "./sse-text-warning.js";
import { sseBatches } from "./sse-reader.js";
import { documentVisibility } from "./visibility.js";

/**
 * A response body larger than this is handed on in pieces as it arrives, so
 * memory stays flat however large the server's responses are.
 */
const PIECE_BYTES = 1 << 20;

/** Observer of the transport, for status displays. Internal. */
export interface ReadSessionObserver {
  /** Before a retry wait; `offline` when the wait is for the network to return. */
  onRetry?(info: RetryInfo): void;
  onPause?(paused: boolean): void;
  /** A request got a successful answer (after a retry, the connection is healthy again). */
  onConnected?(): void;
}

/** The transport of one read, as `StreamResponse` sees it. Internal. */
export interface ReadSession {
  readonly url: string;
  /** The live mode asked for. */
  readonly live: LiveMode;
  readonly startOffset: string;
  offset: string;
  cursor: string | undefined;
  upToDate: boolean;
  closed: boolean;
  /** The stream's content type as the server sent it. */
  contentType: string | undefined;
  /** HTTP status of the first response. */
  status: number;
  /** Body bytes received so far (response bodies and SSE streams, as sent). */
  bytesReceived: number;
  /** The transport loop, once. Ends at up to date (`live: "off"`), at close, or on cancel. */
  chunks(): AsyncGenerator<RawChunk>;
  /** Stops the read; iteration ends quietly. */
  cancel(reason?: unknown): void;
}

/**
 * Opens the transport of one read: catch-up GETs, then long-polls or an SSE
 * connection, with retries, pause while hidden, and resumption from the last
 * offset after any failure. Resolves once the first response arrived, so
 * errors such as 404 surface from `read()`. Its state lives in this closure,
 * out of reach of callers (and of proxies wrapping the response).
 */
export async function openReadSession(
  context: ClientContext,
  url: string,
  options: ReadOptions,
  knownContentType: string | undefined,
  observer: ReadSessionObserver = {},
): Promise<ReadSession> {
  const controller = new AbortController();
  const sessionSignal = combineSignals(options.signal, controller.signal)!;
  const visibility =
    options.pauseWhenHidden === false ? undefined : (options.visibility ?? documentVisibility());
  const interruptions: InterruptionSources = {
    visibility,
    network: context.network,
    session: sessionSignal,
    observer,
    wake: options.sleepDetection,
  };
  const live = options.live ?? "off";
  const startOffset = options.checkpoint?.offset ?? options.offset ?? Offset.beginning;
  // The caller's headers and params for every request; its signal is in sessionSignal.
  const call = { ...options, signal: undefined };
  let transport: LiveMode;
  let first: Response | undefined;
  /** After an interruption, one plain GET picks up what arrived meanwhile. */
  let skipLiveOnce = false;
  /** Bytes of an interrupted response already handed on; skipped on the retry. */
  let skipBytes = 0;
  let failures = 0;
  let shortSseConnections = 0;
  /** When the last request went out, and whether it was a long-poll. */
  let sentAt = 0;
  let sentLongPoll = false;
  const emptyAnswers = new EmptyAnswerTracker();

  const cancel = (reason?: unknown): void => {
    if (!controller.signal.aborted) controller.abort(reason);
  };

  const session: ReadSession = {
    url,
    live,
    startOffset,
    offset: startOffset,
    cursor: options.checkpoint?.cursor,
    upToDate: false,
    closed: false,
    contentType: knownContentType,
    status: 0,
    bytesReceived: 0,
    cancel,
    async *chunks() {
      try {
        let response = first;
        first = undefined;
        for (;;) {
          if (!response) {
            if (session.closed || (session.upToDate && live === "off")) return;
            if (session.upToDate && transport === "sse" && !skipLiveOnce) {
              yield* sseLoop();
              continue;
            }
            response = await liveRequest();
            if (!response) continue;
          }
          try {
            yield* httpChunks(response, session.offset);
            failures = skipBytes = 0;
          } catch (error) {
            await backoff(error);
          }
          response = undefined;
        }
      } catch (error) {
        if (controller.signal.aborted && !options.signal?.aborted) return;
        throw error;
      } finally {
        cancel();
      }
    },
  };

  /** A GET from the current offset; `live` ones carry the cursor. */
  const request = async (mode?: "long-poll" | "sse", signal?: AbortSignal) => {
    const { offset } = session;
    const buster = emptyAnswers.takeCacheBuster();
    sentAt = Date.now();
    sentLongPoll = mode === "long-poll";
    const response = await sendRequest(
      context,
      {
        method: "GET",
        url,
        query: { offset, live: mode, cursor: mode && session.cursor, [CACHE_BUSTER]: buster },
        call,
        signal: combineSignals(sessionSignal, signal),
        retry: "all",
        error: { operation: "read", offset },
      },
      (info) => observer.onRetry?.(info),
    );
    // An SSE connection reports its health by delivering batches instead.
    if (mode !== "sse") observer.onConnected?.();
    return response;
  };

  /** A long-poll (or, after an interruption, a plain GET); `undefined` when interrupted meanwhile. */
  const liveRequest = async (): Promise<Response | undefined> => {
    // A page hidden between two requests resumes like one whose poll was cut short.
    const resuming = skipLiveOnce || (session.upToDate && visibility?.hidden() === true);
    skipLiveOnce = false;
    if (!session.upToDate || resuming) {
      // The catch-up GET after an interruption waits for the page (and, in sendRequest, the network).
      if (resuming) await whenReady(interruptions);
      return request();
    }
    // A server or cache answering at once without waiting is paced, never stormed.
    const pace = emptyAnswers.paceDelay();
    if (pace > 0) await sleep(pace, sessionSignal);
    const interruption = await interruptibly(interruptions);
    try {
      return await request("long-poll", interruption.signal);
    } catch (error) {
      if (interruption.reason() === undefined) throw error;
      skipLiveOnce = true;
      return undefined;
    } finally {
      interruption.dispose();
    }
  };

  /** Turns one HTTP response into chunks, in pieces if its body is large. */
  async function* httpChunks(response: Response, requestOffset: string): AsyncGenerator<RawChunk> {
    const { headers, status, body } = response;
    const closed = isTrueHeader(headers.get(STREAM_CLOSED));
    const nextOffset = headers.get(STREAM_NEXT_OFFSET);
    const cursor = headers.get(STREAM_CURSOR) ?? session.cursor;
    const upToDate = closed || headers.has(STREAM_UP_TO_DATE);
    const elapsed = Date.now() - sentAt;
    const longPoll = sentLongPoll;
    const pieces: Uint8Array[] = [];
    let held = 0;
    let skip = skipBytes;
    // A JSON body is decoded as it arrives, piece by piece: joining the pieces into one
    // buffer first costs a fresh allocation (and its page faults) the size of the body.
    const json = isJsonContentType(session.contentType);
    const decoder = json ? new TextDecoder() : undefined;
    let text = "";
    const reader = status === 204 ? undefined : body?.getReader();
    try {
      while (reader) {
        const result = await readBody(
          reader,
          sessionSignal,
          url,
          `Connection to ${url} broke mid-response`,
        );
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
        if (held >= PIECE_BYTES) {
          // A piece of a larger response: its checkpoint stays at the response's start.
          const payload = concatBytes(pieces, held);
          skipBytes += held;
          pieces.length = held = 0;
          yield chunk(payload, requestOffset, session.cursor, false, false, true);
        }
      }
    } finally {
      reader?.releaseLock();
    }
    if (nextOffset === null && (held > 0 || skipBytes > 0)) {
      throw parseError("sent data without a Stream-Next-Offset", status);
    }
    const payload =
      held === 0 ? undefined : decoder ? text + decoder.decode() : concatBytes(pieces, held);
    const hasData = payloadHasData(payload, json);
    const next = nextOffset ?? requestOffset;
    const facts = { requested: requestOffset, next, hasData, upToDate, closed };
    const verdict = judgeAnswer(facts);
    const offset = await settleAnswer(settling, verdict, facts, status);
    if (verdict === "advance") emptyAnswers.progressed();
    else {
      const signature = answerSignature(status, next, cursor, headers.get("etag"));
      emptyAnswers.empty(signature, longPoll && elapsed < QUICK_ANSWER_MS);
    }
    yield chunk(payload, offset, cursor, upToDate, closed);
  }

  const settling = { context, url, call, signal: sessionSignal };

  /** Holds SSE connections until the stream closes, the transport falls back, or an interruption. */
  async function* sseLoop(): AsyncGenerator<RawChunk> {
    const { minConnectionMs = 1000, maxShortConnections = 3 } = options.sse ?? {};
    while (!session.closed) {
      const interruption = await interruptibly(interruptions);
      // A connection's life starts when it delivers its first event: an attempt
      // that never opened (its request failed, retries included) dies young.
      let openedAt: number | undefined;
      try {
        const { headers, body } = await request("sse", interruption.signal);
        const type = normalizeContentType(headers.get("content-type"));
        if (type !== "text/event-stream" || body === null) {
          await body?.cancel();
          if (live === "sse") {
            throw new DurableStreamError(
              "NOT_SUPPORTED",
              `Expected text/event-stream from ${url} for live=sse, got ${type ?? "no content type"}`,
              { url },
            );
          }
          transport = "long-poll";
          return;
        }
        const json = isJsonContentType(session.contentType);
        const signal = combineSignals(sessionSignal, interruption.signal)!;
        for await (const batch of sseBatches(body, headers, url, json, signal, session)) {
          openedAt ??= Date.now();
          failures = 0;
          const { payload } = batch;
          const facts = {
            requested: session.offset,
            next: batch.offset,
            hasData: payloadHasData(payload, json),
            upToDate: batch.upToDate,
            closed: batch.closed,
          };
          const verdict = judgeAnswer(facts);
          // A control event without news mid-connection is a keep-alive, not a stall.
          const offset =
            verdict === "stalled"
              ? session.offset
              : await settleAnswer(settling, verdict, facts, 200);
          yield chunk(
            payload,
            offset,
            batch.cursor ?? session.cursor,
            batch.upToDate,
            batch.closed,
          );
        }
      } catch (error) {
        if (interruption.reason() !== undefined) continue;
        if (!isTransient(error)) throw error;
      } finally {
        interruption.dispose();
      }
      if (session.closed) return;
      if (openedAt !== undefined && Date.now() - openedAt >= minConnectionMs) {
        shortSseConnections = 0;
        continue;
      }
      if (++shortSseConnections >= maxShortConnections) {
        transport = "long-poll";
        return;
      }
      await sleep(Math.min(5000, backoffDelay(context.retry, shortSseConnections)), sessionSignal);
    }
  }

  const parseError = (problem: string, status: number) =>
    new ParseError(`Server ${problem}: ${url}`, { url, status });

  /** Updates the session state and builds the chunk the consumer sees. */
  const chunk = (
    payload: Payload,
    offset: string,
    cursor: string | undefined,
    upToDate: boolean,
    closed: boolean,
    partial = false,
  ): RawChunk => {
    const checkpoint = partial
      ? { offset: session.offset, cursor: session.cursor }
      : { offset, cursor };
    if (!partial) {
      session.offset = offset;
      session.cursor = cursor;
      session.upToDate = upToDate || closed;
      session.closed ||= closed;
    }
    return {
      offset: checkpoint.offset,
      cursor,
      checkpoint,
      upToDate: session.upToDate && !partial,
      closed,
      partial,
      payload,
    };
  };

  /** A broken connection: worth resuming from the last offset, unless the read was stopped. */
  const isTransient = (error: unknown): error is NetworkError =>
    !sessionSignal.aborted && error instanceof NetworkError;

  /**
   * Waits out a transient failure or an answer that made no progress, like
   * any failure; rethrows what is not one, and fails once retries are spent
   * (an answer that never makes progress ends as a {@link ParseError}).
   */
  const backoff = async (error: unknown): Promise<void> => {
    const stalled = error instanceof NoProgress;
    if (!stalled && !isTransient(error)) throw error;
    const failure = stalled ? parseError(`made no progress at offset ${error.offset}`, 200) : error;
    if (failures >= context.retry.maxRetries) throw failure;
    const delayMs = backoffDelay(context.retry, failures++);
    observer.onRetry?.({ attempt: failures, delayMs, error: failure });
    await sleep(delayMs, sessionSignal);
  };

  // The first request carries no `live`, keeping catch-up cacheable, except a
  // long-poll from `now`: there is nothing to catch up on, so it can wait at once.
  first = await request(startOffset === Offset.now && live === "long-poll" ? live : undefined);
  session.status = first.status;
  session.contentType = first.headers.get("content-type") ?? session.contentType;
  if (live === "sse") warnSseText(url, session.contentType);
  // "auto" tails with SSE only where it is lossless: an event-stream line cannot
  // carry a bare CR, and servers that write `data:` without the separating space
  // (the reference server does) lose a text line's leading space. JSON text
  // starts with `[`, so JSON streams are safe; text and bytes long-poll.
  transport =
    live === "auto" ? (isJsonContentType(session.contentType) ? "sse" : "long-poll") : live;
  return session;
}
