/**
 * A tiny Durable Streams server that lives in memory and speaks through a
 * `fetch` function, so stories drive the real client, sessions and hooks
 * without any network. It covers what the client uses: catch-up GET,
 * long-poll (with a cursor), SSE for text and JSON streams, HEAD, PUT,
 * POST (plain, `Stream-Seq`, idempotent producers, close) and DELETE.
 *
 * Stories change streams directly (`create`, `append`, `close`, `fail`) and
 * every waiting long-poll or SSE connection answers at once. Everything is
 * deterministic: offsets count bytes, cursors count up from the client's.
 */
import type { FetchFunction } from "../../src/client/index.js";
import { isJsonContentType, normalizeContentType } from "../../src/client/content-type.js";
import { sleep } from "../../src/client/retry.js";
import {
  badRequest,
  bodyText,
  failureResponse,
  indexOfOffset,
  metaHeaders,
  newStoredStream,
  nextCursor,
  notFound,
  offsetAt,
  parseJsonMessages,
  pushMessages,
  tailOffset,
  type StoredStream,
} from "./in-memory-store.js";
import { sseResponse } from "./in-memory-sse.js";
import { handleAppend } from "./in-memory-writes.js";

/** Where the fake server pretends to live; `.invalid` never resolves, so nothing can leak out. */
export const IN_MEMORY_ORIGIN = "https://streams.invalid";

export interface InMemoryStreamsOptions {
  /** How long a long-poll (or an idle SSE connection) waits before answering "nothing new". Default 1000 ms. */
  longPollTimeoutMs?: number;
  /** Delay before every answer, to make `connecting` visible. Default 0. */
  latencyMs?: number;
}

export interface CreateStreamInit {
  /** `application/json` (default) or a `text/*` type. */
  contentType?: string;
  /** Initial content: JSON messages for a JSON stream, text for a text stream. */
  data?: string | readonly unknown[];
  /** Create it closed: the initial content is all it will ever hold. */
  closed?: boolean;
}

interface Failure {
  status: number;
  remaining: number;
}

/** An in-memory Durable Streams server; hand `streams.fetch` to a `DurableStreamClient`. */
export class InMemoryStreams {
  private readonly streams = new Map<string, StoredStream>();
  private readonly failures = new Map<string, Failure>();
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly longPollTimeoutMs: number;
  private readonly latencyMs: number;

  constructor(options: InMemoryStreamsOptions = {}) {
    this.longPollTimeoutMs = options.longPollTimeoutMs ?? 1000;
    this.latencyMs = options.latencyMs ?? 0;
  }

  // ---------------------------------------------------------------- story API

  /** Creates a stream (replacing any at that path). */
  create(path: string, init: CreateStreamInit = {}): this {
    const contentType = init.contentType ?? "application/json";
    const stream = newStoredStream(contentType);
    if (!stream.json && !normalizeContentType(contentType)?.startsWith("text/")) {
      throw new Error(`in-memory streams hold JSON or text, not ${contentType}`);
    }
    this.streams.set(path, stream);
    if (init.data !== undefined) {
      if (typeof init.data === "string") {
        if (init.data !== "") this.append(path, init.data);
      } else {
        for (const item of init.data) this.append(path, item);
      }
    }
    if (init.closed) this.close(path);
    return this;
  }

  /** Appends one message: a JSON value on a JSON stream, text on a text stream. */
  append(path: string, message: unknown): this {
    const stream = this.require(path);
    if (stream.closed) throw new Error(`${path} is closed`);
    if (stream.json) {
      pushMessages(stream, [JSON.stringify(message)]);
    } else {
      if (typeof message !== "string") throw new Error(`${path} is a text stream`);
      pushMessages(stream, [message]);
    }
    this.notify(path);
    return this;
  }

  /** Closes the stream: readers see the end once they have read everything. */
  close(path: string): this {
    this.require(path).closed = true;
    this.notify(path);
    return this;
  }

  /**
   * Answers every request for the stream with `status` (404, 500, 503...),
   * `times` times (default: until {@link recover}). Open SSE connections break.
   */
  fail(path: string, status: number, times = Infinity): this {
    this.failures.set(path, { status, remaining: times });
    this.notify(path);
    return this;
  }

  /** Stops failing the stream's requests. */
  recover(path: string): this {
    this.failures.delete(path);
    this.notify(path);
    return this;
  }

  /** Deletes the stream: requests for it answer 404. */
  delete(path: string): this {
    this.streams.delete(path);
    this.notify(path);
    return this;
  }

  /** The stream's text (text streams) or messages (JSON streams). */
  contents(path: string): string | unknown[] {
    const stream = this.require(path);
    return stream.json
      ? stream.messages.map((m) => JSON.parse(m) as unknown)
      : stream.messages.join("");
  }

  isClosed(path: string): boolean {
    return this.require(path).closed;
  }

  // ------------------------------------------------------------------- HTTP

  /** The `fetch` the client calls. */
  readonly fetch: FetchFunction = async (input, init) => {
    const signal = init.signal ?? undefined;
    signal?.throwIfAborted();
    if (this.latencyMs > 0) await sleep(this.latencyMs, signal);
    const url = new URL(input);
    const path = decodeURIComponent(url.pathname);
    const method = (init.method ?? "GET").toUpperCase();
    const headers = new Headers(init.headers);
    const failure = this.takeFailure(path);
    if (failure) return failure;
    switch (method) {
      case "GET":
        return this.read(path, url, signal);
      case "HEAD":
        return this.head(path);
      case "PUT":
        return this.put(path, headers, bodyText(init.body));
      case "POST":
        return this.post(path, headers, bodyText(init.body));
      case "DELETE":
        if (!this.streams.has(path)) return notFound();
        this.delete(path);
        return new Response(null, { status: 204 });
      default:
        return new Response("Method not allowed", { status: 405 });
    }
  };

  private async read(path: string, url: URL, signal: AbortSignal | undefined): Promise<Response> {
    const stream = this.streams.get(path);
    if (!stream) return notFound();
    const offsets = url.searchParams.getAll("offset");
    const offset = offsets[0] ?? "-1";
    const live = url.searchParams.get("live");
    const cursor = url.searchParams.get("cursor");
    if (offsets.length > 1 || offset === "") return badRequest("one non-empty offset, please");
    if ((live === "long-poll" || live === "sse") && offsets.length === 0) {
      return badRequest(`live=${live} needs an offset`);
    }
    const start = offset === "now" ? stream.messages.length : indexOfOffset(stream, offset);
    if (start === undefined) return badRequest(`no message boundary at offset ${offset}`);
    if (live === "sse") {
      const source = {
        // A failing stream is gone for an open connection: it breaks, and the client
        // reconnects to meet the failure.
        current: () => (this.failures.has(path) ? undefined : this.streams.get(path)),
        waitForChange: (stop: AbortSignal) => this.waitForChange(path, stop),
      };
      return sseResponse(source, start, cursor, signal);
    }

    if (offset === "now" && live !== "long-poll") {
      return this.dataResponse(stream, start, { cursor: undefined });
    }
    if (live === "long-poll" && start >= stream.messages.length) {
      if (!stream.closed) {
        const woke = await this.waitForChange(path, signal);
        const failure = this.currentFailure(path);
        if (failure) return failure;
        const current = this.streams.get(path);
        if (!current) return notFound();
        if (!woke || (start >= current.messages.length && !current.closed)) {
          // Timed out: nothing new. The client asks again with the new cursor.
          return new Response(null, {
            status: 204,
            headers: {
              "stream-next-offset": offsetAt(current, start),
              "stream-up-to-date": "true",
              "stream-cursor": nextCursor(cursor),
            },
          });
        }
        return this.dataResponse(current, start, { cursor: nextCursor(cursor), live: true });
      }
      return this.dataResponse(stream, start, { cursor: undefined, live: true });
    }
    return this.dataResponse(stream, start, {
      cursor: live === "long-poll" ? nextCursor(cursor) : undefined,
    });
  }

  /** Everything from message `start` to the tail, in one response (so always up to date). */
  private dataResponse(
    stream: StoredStream,
    start: number,
    options: { cursor: string | undefined; live?: boolean },
  ): Response {
    const pieces = stream.messages.slice(start);
    const tail = tailOffset(stream);
    const headers: Record<string, string> = {
      "content-type": stream.contentType,
      "stream-next-offset": tail,
      "stream-up-to-date": "true",
      "cache-control": "no-store",
      etag: `"${offsetAt(stream, start)}:${tail}${stream.closed ? ":c" : ""}"`,
    };
    if (stream.closed) headers["stream-closed"] = "true";
    if (options.cursor !== undefined) headers["stream-cursor"] = options.cursor;
    if (pieces.length === 0 && options.live) return new Response(null, { status: 204, headers });
    const body = stream.json ? `[${pieces.join(",")}]` : pieces.join("");
    return new Response(body, { status: 200, headers });
  }

  private head(path: string): Response {
    const stream = this.streams.get(path);
    if (!stream) return notFound();
    return new Response(null, {
      status: 200,
      headers: { ...metaHeaders(stream), "cache-control": "no-store" },
    });
  }

  private put(path: string, headers: Headers, body: string): Response {
    const contentType = headers.get("content-type") ?? "application/octet-stream";
    const closed = headers.get("stream-closed")?.trim().toLowerCase() === "true";
    const existing = this.streams.get(path);
    if (existing) {
      const same =
        normalizeContentType(existing.contentType) === normalizeContentType(contentType) &&
        existing.closed === closed;
      if (!same) return new Response("Stream exists with another configuration", { status: 409 });
      return new Response(null, { status: 200, headers: metaHeaders(existing) });
    }
    const json = isJsonContentType(contentType);
    let data: string | unknown[] | undefined;
    if (body !== "") {
      const parsed = json ? parseJsonMessages(body, true) : body;
      if (parsed === undefined) return badRequest("invalid JSON");
      data = parsed;
    }
    try {
      this.create(path, { contentType, data, closed });
    } catch (error) {
      return badRequest(String(error));
    }
    return new Response(null, { status: 201, headers: metaHeaders(this.require(path)) });
  }

  private post(path: string, headers: Headers, body: string): Response {
    const stream = this.streams.get(path);
    if (!stream) return notFound();
    const { response, changed } = handleAppend(stream, headers, body);
    if (changed) this.notify(path);
    return response;
  }

  // ---------------------------------------------------------------- helpers

  private require(path: string): StoredStream {
    const stream = this.streams.get(path);
    if (!stream) throw new Error(`no stream at ${path}`);
    return stream;
  }

  /** The failure response for this request, counting it down. */
  private takeFailure(path: string): Response | undefined {
    const failure = this.failures.get(path);
    if (!failure) return undefined;
    failure.remaining--;
    if (failure.remaining <= 0) this.failures.delete(path);
    return failureResponse(failure.status);
  }

  /** The failure a waiting request meets (without counting it: it was counted on arrival). */
  private currentFailure(path: string): Response | undefined {
    const failure = this.failures.get(path);
    return failure ? failureResponse(failure.status) : undefined;
  }

  private notify(path: string): void {
    const waiting = this.waiters.get(path);
    if (!waiting) return;
    this.waiters.delete(path);
    for (const wake of waiting) wake();
  }

  /**
   * Waits until the stream changes (true), the long-poll timeout passes
   * (false), or the signal aborts (rejects with its reason, as fetch does).
   */
  private waitForChange(path: string, signal: AbortSignal | undefined): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      let waiting = this.waiters.get(path);
      if (!waiting) this.waiters.set(path, (waiting = new Set()));
      const set = waiting;
      const finish = () => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        set.delete(wake);
      };
      const wake = () => {
        finish();
        resolve(true);
      };
      const onAbort = () => {
        finish();
        reject(signal!.reason);
      };
      const timer = setTimeout(() => {
        finish();
        resolve(false);
      }, this.longPollTimeoutMs);
      set.add(wake);
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
    });
  }
}
