import { NO_PAYLOAD, concatBytes, isEmptyPayload, type Payload, type RawChunk } from "./chunk.js";
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
import { combineSignals, describe, sendRequest, type RequestSpec } from "./http.js";
import { Offset, compareOffsets } from "./offset.js";
import type { LiveMode, ReadOptions } from "./read-options.js";
import { backoffDelay, sleep } from "./retry.js";
import { readSseConnection } from "./sse-reader.js";
import { documentVisibility, whenVisible, type VisibilityWatcher } from "./visibility.js";

/**
 * A response body larger than this is handed on in pieces as it arrives, so
 * memory stays flat however large the server's responses are.
 */
export const PIECE_BYTES = 1 << 20;

/** The abort reason used to stop a live request when the tab is hidden. */
const PAUSED = Symbol("paused");

/** Observer of the transport, for status displays. Internal. */
export interface ReadSessionObserver {
  onRetry?(info: { attempt: number; delayMs: number; error: DurableStreamError }): void;
  onPause?(paused: boolean): void;
  /** A request got a successful answer (after a retry, the connection is healthy again). */
  onConnected?(): void;
}

/**
 * The transport of one read: catch-up GETs, then long-polls or an SSE
 * connection, with retries, pause while hidden, and resumption from the last
 * offset after any failure. It yields {@link RawChunk}s; the consumption API
 * lives in `StreamResponse`.
 */
export class ReadSession {
  offset: string;
  cursor: string | undefined;
  upToDate = false;
  closed = false;
  /** The stream's content type as the server sent it. */
  contentType: string | undefined;
  /** HTTP status of the first response. */
  status = 0;
  readonly startOffset: string;

  private readonly controller = new AbortController();
  private readonly signal: AbortSignal;
  private readonly visibility: VisibilityWatcher | undefined;
  private liveTransport: "long-poll" | "sse" | undefined;
  private first: Response | undefined;
  /** After a pause, one plain GET picks up what arrived while hidden. */
  private skipLiveOnce = false;
  /** Bytes of an interrupted response already handed on; skipped on the retry. */
  private skipBytes = 0;
  private failures = 0;
  private shortSseConnections = 0;

  constructor(
    private readonly context: ClientContext,
    readonly url: string,
    private readonly options: ReadOptions,
    knownContentType: string | undefined,
    private readonly observer: ReadSessionObserver = {},
  ) {
    this.offset = options.checkpoint?.offset ?? options.offset ?? Offset.beginning;
    this.cursor = options.checkpoint?.cursor;
    this.startOffset = this.offset;
    this.contentType = knownContentType;
    this.signal = combineSignals(options.signal, this.controller.signal)!;
    this.visibility =
      options.pauseWhenHidden === false ? undefined : (options.visibility ?? documentVisibility());
  }

  /** The live mode asked for. */
  get live(): LiveMode {
    return this.options.live ?? "off";
  }

  /**
   * Sends the first request so errors such as 404 surface from `read()`. It
   * carries no `live`, keeping catch-up cacheable, except a long-poll from `now`.
   */
  async start(): Promise<void> {
    // From `now` there is nothing to catch up on (and nothing cacheable), so a
    // long-poll can start waiting at once, as the protocol intends.
    const liveFirst = this.offset === Offset.now && this.live === "long-poll";
    this.first = await this.request(liveFirst);
    this.status = this.first.status;
    this.contentType = this.first.headers.get("content-type") ?? this.contentType;
    this.liveTransport = this.chooseLiveTransport();
  }

  /** Stops the read; iteration ends quietly. */
  cancel(reason?: unknown): void {
    if (!this.controller.signal.aborted) this.controller.abort(reason ?? new CancelledRead());
  }

  get cancelled(): boolean {
    return this.controller.signal.aborted;
  }

  /** The transport loop. Ends at up to date (`live: "off"`), at close, or on cancel. */
  async *chunks(): AsyncGenerator<RawChunk> {
    try {
      let response = this.first;
      this.first = undefined;
      for (;;) {
        if (response === undefined) {
          if (this.closed || (this.upToDate && this.live === "off")) return;
          if (this.upToDate && this.liveTransport === "sse" && !this.skipLiveOnce) {
            yield* this.sseLoop();
            continue;
          }
          response = await this.liveRequest();
          if (response === undefined) continue;
        }
        const requestOffset = this.offset;
        try {
          yield* this.httpChunks(response, requestOffset);
          this.failures = 0;
          this.skipBytes = 0;
        } catch (error) {
          if (!isTransientBodyFailure(error, this.signal)) throw error;
          await this.backoffAfterFailure(error);
        }
        response = undefined;
      }
    } catch (error) {
      if (this.controller.signal.aborted && !this.options.signal?.aborted) return;
      throw error;
    } finally {
      this.cancel();
    }
  }

  private chooseLiveTransport(): "long-poll" | "sse" | undefined {
    switch (this.live) {
      case "off":
        return undefined;
      case "long-poll":
        return "long-poll";
      case "sse":
        return "sse";
      case "auto":
        // SSE only where it is lossless: an event-stream line cannot carry a bare
        // CR, and servers that write `data:` without the separating space (the
        // reference server does) lose a text line's leading space. JSON text
        // starts with `[`, so JSON streams are safe; text and bytes long-poll.
        return isJsonContentType(this.contentType) ? "sse" : "long-poll";
    }
  }

  /** A long-poll (or, right after a pause, a plain GET); `undefined` when paused meanwhile. */
  private async liveRequest(): Promise<Response | undefined> {
    const resuming = this.skipLiveOnce;
    const live = this.upToDate && !resuming;
    this.skipLiveOnce = false;
    if (!live) {
      // The catch-up GET after a pause waits for the page to be shown again.
      if (resuming) await this.waitUntilVisible();
      return this.request(false);
    }
    await this.waitUntilVisible();
    const pause = this.pauseOnHide();
    try {
      return await this.request(true, pause.signal);
    } catch (error) {
      if (pause.signal.aborted && pause.signal.reason === PAUSED && !this.signal.aborted) {
        this.skipLiveOnce = true;
        return undefined;
      }
      throw error;
    } finally {
      pause.dispose();
    }
  }

  private async request(live: boolean, extraSignal?: AbortSignal): Promise<Response> {
    const spec: RequestSpec = {
      method: "GET",
      url: this.url,
      query: {
        offset: this.offset,
        live: live ? "long-poll" : undefined,
        cursor: live ? this.cursor : undefined,
      },
      call: { ...this.options, signal: undefined },
      signal: combineSignals(this.signal, extraSignal),
      retry: "all",
      error: { operation: "read", offset: this.offset },
    };
    const response = await sendRequest(this.context, spec, (info) => this.observer.onRetry?.(info));
    this.observer.onConnected?.();
    return response;
  }

  /** Turns one HTTP response into chunks, in pieces if its body is large. */
  private async *httpChunks(response: Response, requestOffset: string): AsyncGenerator<RawChunk> {
    const { headers } = response;
    const closed = isTrueHeader(headers.get(STREAM_CLOSED));
    const nextOffset = headers.get(STREAM_NEXT_OFFSET);
    const cursor = headers.get(STREAM_CURSOR) ?? this.cursor;
    const upToDate = closed || headers.has(STREAM_UP_TO_DATE);
    const pieces: Uint8Array[] = [];
    let held = 0;
    let skip = this.skipBytes;
    if (response.body !== null && response.status !== 204) {
      const reader = response.body.getReader();
      try {
        for (;;) {
          let result: ReadableStreamReadResult<Uint8Array>;
          try {
            result = await reader.read();
          } catch (error) {
            // An abort (cancel or the caller's signal) is not a broken connection.
            if (this.signal.aborted) throw this.signal.reason;
            throw new BodyInterrupted(error);
          }
          if (result.done) break;
          let bytes = result.value;
          if (skip > 0) {
            const dropped = Math.min(skip, bytes.length);
            bytes = bytes.subarray(dropped);
            skip -= dropped;
          }
          if (bytes.length === 0) continue;
          pieces.push(bytes);
          held += bytes.length;
          if (held >= PIECE_BYTES && !this.isJson()) {
            // A piece of a larger response: its checkpoint stays at the response's start.
            const payload: Payload = { kind: "bytes", bytes: concatBytes(pieces, held) };
            this.skipBytes += held;
            pieces.length = 0;
            held = 0;
            yield this.chunk(payload, requestOffset, this.cursor, false, false, true);
          }
        }
      } finally {
        reader.releaseLock();
      }
    }
    if (nextOffset === null && (held > 0 || this.skipBytes > 0)) {
      throw new ParseError(`Response from ${this.url} carries data but no Stream-Next-Offset`, {
        url: this.url,
        status: response.status,
      });
    }
    const offset = this.forward(
      nextOffset ?? requestOffset,
      requestOffset,
      held > 0,
      response.status,
    );
    if (!upToDate && offset === requestOffset && held === 0 && this.skipBytes === 0) {
      throw new ParseError(`Server made no progress at offset ${offset} of ${this.url}`, {
        url: this.url,
        status: response.status,
      });
    }
    const payload: Payload =
      held > 0 ? { kind: "bytes", bytes: concatBytes(pieces, held) } : NO_PAYLOAD;
    yield this.chunk(payload, offset, cursor, upToDate, closed, false);
  }

  /** Holds SSE connections until the stream closes, the transport falls back, or a pause. */
  private async *sseLoop(): AsyncGenerator<RawChunk> {
    const minConnectionMs = this.options.sse?.minConnectionMs ?? 1000;
    const maxShort = this.options.sse?.maxShortConnections ?? 3;
    while (!this.closed) {
      await this.waitUntilVisible();
      const pause = this.pauseOnHide();
      // A connection's life starts when it delivers its first event: an attempt
      // that never opened (its request failed, retries included) dies young.
      let openedAt: number | undefined;
      try {
        const connection = readSseConnection({
          context: this.context,
          url: this.url,
          offset: this.offset,
          cursor: this.cursor,
          contentType: this.contentType,
          call: { ...this.options, signal: undefined },
          signal: combineSignals(this.signal, pause.signal)!,
          onRetry: (info) => this.observer.onRetry?.(info),
        });
        for await (const event of connection) {
          openedAt ??= Date.now();
          if (event.kind === "unsupported") {
            if (this.live === "sse") {
              throw new DurableStreamError("NOT_SUPPORTED", event.message, { url: this.url });
            }
            this.liveTransport = "long-poll";
            return;
          }
          this.failures = 0;
          yield this.chunk(
            event.payload,
            this.forward(event.offset, this.offset, !isEmptyPayload(event.payload), 200),
            event.cursor ?? this.cursor,
            event.upToDate,
            event.closed,
            false,
          );
        }
      } catch (error) {
        if (pause.signal.aborted && !this.signal.aborted) continue;
        if (!isTransientBodyFailure(error, this.signal)) throw error;
      } finally {
        pause.dispose();
      }
      if (this.closed) return;
      if (openedAt !== undefined && Date.now() - openedAt >= minConnectionMs) {
        this.shortSseConnections = 0;
        continue;
      }
      this.shortSseConnections++;
      if (this.shortSseConnections >= maxShort) {
        this.liveTransport = "long-poll";
        return;
      }
      await sleep(
        Math.min(5000, backoffDelay(this.context.retry, this.shortSseConnections, undefined)),
        this.signal,
      );
    }
  }

  /**
   * Offsets never move backwards. A server may answer an empty response with
   * an older offset than the one asked for (the reference server's file store
   * can, while a write is being committed); following it would deliver the same
   * data twice, so the reader stays where it is. Data under an older offset is a
   * protocol violation.
   */
  private forward(next: string, from: string, hasData: boolean, status: number): string {
    if (from === Offset.beginning || from === Offset.now || compareOffsets(next, from) >= 0) {
      return next;
    }
    if (!hasData) return from;
    throw new ParseError(
      `Server moved the offset of ${this.url} backwards (${from} to ${next}) with data`,
      { url: this.url, status },
    );
  }

  /** Updates the session state and builds the chunk the consumer sees. */
  private chunk(
    payload: Payload,
    offset: string,
    cursor: string | undefined,
    upToDate: boolean,
    closed: boolean,
    partial: boolean,
  ): RawChunk {
    const checkpoint = partial ? { offset: this.offset, cursor: this.cursor } : { offset, cursor };
    if (!partial) {
      this.offset = offset;
      this.cursor = cursor;
      this.upToDate = upToDate || closed;
      this.closed = this.closed || closed;
    }
    return {
      payload,
      offset: checkpoint.offset,
      cursor,
      upToDate: this.upToDate && !partial,
      partial,
      closed,
      checkpoint,
    };
  }

  private isJson(): boolean {
    return normalizeContentType(this.contentType) === "application/json";
  }

  private async backoffAfterFailure(error: unknown): Promise<void> {
    const failure =
      error instanceof BodyInterrupted
        ? new NetworkError(
            `Connection to ${this.url} broke mid-response: ${describe(error.cause)}`,
            {
              url: this.url,
              cause: error.cause,
            },
          )
        : (error as DurableStreamError);
    if (this.failures >= this.context.retry.maxRetries) throw failure;
    const delayMs = backoffDelay(this.context.retry, this.failures, undefined);
    this.failures++;
    this.observer.onRetry?.({ attempt: this.failures, delayMs, error: failure });
    await sleep(delayMs, this.signal);
  }

  private async waitUntilVisible(): Promise<void> {
    if (!this.visibility?.hidden()) return;
    this.observer.onPause?.(true);
    await whenVisible(this.visibility, this.signal);
    this.observer.onPause?.(false);
  }

  /** A signal that aborts with {@link PAUSED} when the tab becomes hidden. */
  private pauseOnHide(): { signal: AbortSignal; dispose(): void } {
    const controller = new AbortController();
    const visibility = this.visibility;
    if (!visibility) return { signal: controller.signal, dispose() {} };
    const unsubscribe = visibility.subscribe(() => {
      if (visibility.hidden()) controller.abort(PAUSED);
    });
    return { signal: controller.signal, dispose: unsubscribe };
  }
}

/** The reason `cancel()` aborts with. */
export class CancelledRead extends Error {
  constructor() {
    super("The read was cancelled");
    this.name = "CancelledRead";
  }
}

/** A response body that broke off after its headers arrived. */
class BodyInterrupted extends Error {
  constructor(cause: unknown) {
    super("Response body interrupted", { cause });
  }
}

function isTransientBodyFailure(error: unknown, signal: AbortSignal): boolean {
  if (signal.aborted) return false;
  if (error instanceof BodyInterrupted) return true;
  return error instanceof DurableStreamError && error.code === "NETWORK_ERROR";
}
