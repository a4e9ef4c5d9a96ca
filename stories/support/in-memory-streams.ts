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
import { sleep } from "../../src/client/retry.js";

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

interface ProducerState {
  epoch: number;
  lastSeq: number;
}

interface StoredStream {
  contentType: string;
  json: boolean;
  /** Each message as stored: a serialised JSON value, or a piece of text. */
  messages: string[];
  /** `ends[i]`: the offset after message `i`. */
  ends: string[];
  bytes: number;
  closed: boolean;
  /** The producer request (`id/epoch/seq`) that closed the stream, if one did. */
  closedBy: string | undefined;
  lastStreamSeq: string | undefined;
  producers: Map<string, ProducerState>;
}

interface Failure {
  status: number;
  remaining: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const START_OFFSET = formatOffset(0);

function formatOffset(bytes: number): string {
  return String(bytes).padStart(16, "0");
}

function bareType(contentType: string | null | undefined): string {
  return (contentType ?? "").split(";", 1)[0]!.trim().toLowerCase();
}

function isJsonType(contentType: string): boolean {
  return bareType(contentType) === "application/json";
}

function nextCursor(clientCursor: string | null): string {
  const previous = clientCursor !== null && /^\d+$/.test(clientCursor) ? Number(clientCursor) : 0;
  return String(previous + 1);
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
    const json = isJsonType(contentType);
    if (!json && !bareType(contentType).startsWith("text/")) {
      throw new Error(`in-memory streams hold JSON or text, not ${contentType}`);
    }
    this.streams.set(path, {
      contentType,
      json,
      messages: [],
      ends: [],
      bytes: 0,
      closed: false,
      closedBy: undefined,
      lastStreamSeq: undefined,
      producers: new Map(),
    });
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
      this.push(stream, [JSON.stringify(message)]);
    } else {
      if (typeof message !== "string") throw new Error(`${path} is a text stream`);
      this.push(stream, [message]);
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
    const start = offset === "now" ? stream.messages.length : this.indexOf(stream, offset);
    if (start === undefined) return badRequest(`no message boundary at offset ${offset}`);
    if (live === "sse") return this.sse(path, start, cursor, signal);

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
              "stream-next-offset": this.offsetAt(current, start),
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
    const tail = this.offsetAt(stream, stream.messages.length);
    const headers: Record<string, string> = {
      "content-type": stream.contentType,
      "stream-next-offset": tail,
      "stream-up-to-date": "true",
      "cache-control": "no-store",
      etag: `"${this.offsetAt(stream, start)}:${tail}${stream.closed ? ":c" : ""}"`,
    };
    if (stream.closed) headers["stream-closed"] = "true";
    if (options.cursor !== undefined) headers["stream-cursor"] = options.cursor;
    if (pieces.length === 0 && options.live) return new Response(null, { status: 204, headers });
    const body = stream.json ? `[${pieces.join(",")}]` : pieces.join("");
    return new Response(body, { status: 200, headers });
  }

  /** An SSE connection: data and control events, then waiting for more until closed or cancelled. */
  private sse(
    path: string,
    start: number,
    clientCursor: string | null,
    signal: AbortSignal | undefined,
  ): Response {
    const stopper = new AbortController();
    let position = start;
    let cursor = clientCursor;
    const pump = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
      const send = (event: string, data: string) => {
        const lines = data.split(/\r\n|\r|\n/).map((line) => `data: ${line}`);
        controller.enqueue(encoder.encode(`event: ${event}\n${lines.join("\n")}\n\n`));
      };
      while (!stopper.signal.aborted) {
        const stream = this.streams.get(path);
        if (!stream || this.failures.has(path)) {
          // The server went away mid-connection: the client reconnects and meets the failure.
          controller.error(new TypeError("connection reset"));
          return;
        }
        const pieces = stream.messages.slice(position);
        if (pieces.length > 0) {
          send("data", stream.json ? `[${pieces.join(",")}]` : pieces.join(""));
        }
        position = stream.messages.length;
        const streamNextOffset = this.offsetAt(stream, position);
        if (stream.closed) {
          send("control", JSON.stringify({ streamNextOffset, streamClosed: true }));
          controller.close();
          return;
        }
        cursor = nextCursor(cursor);
        send("control", JSON.stringify({ streamNextOffset, streamCursor: cursor, upToDate: true }));
        await this.waitForChange(path, stopper.signal);
      }
    };
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        signal?.addEventListener(
          "abort",
          () => {
            stopper.abort();
            try {
              controller.error(signal.reason);
            } catch {
              // Already closed.
            }
          },
          { once: true },
        );
        void pump(controller).catch(() => undefined);
      },
      cancel() {
        stopper.abort();
      },
    });
    return new Response(body, {
      status: 200,
      headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
    });
  }

  private head(path: string): Response {
    const stream = this.streams.get(path);
    if (!stream) return notFound();
    const headers: Record<string, string> = {
      "content-type": stream.contentType,
      "stream-next-offset": this.offsetAt(stream, stream.messages.length),
      "cache-control": "no-store",
    };
    if (stream.closed) headers["stream-closed"] = "true";
    return new Response(null, { status: 200, headers });
  }

  private put(path: string, headers: Headers, body: string): Response {
    const contentType = headers.get("content-type") ?? "application/octet-stream";
    const closed = headers.get("stream-closed")?.trim().toLowerCase() === "true";
    const existing = this.streams.get(path);
    if (existing) {
      const same =
        bareType(existing.contentType) === bareType(contentType) && existing.closed === closed;
      if (!same) return new Response("Stream exists with another configuration", { status: 409 });
      return new Response(null, { status: 200, headers: this.metaHeaders(existing) });
    }
    const json = isJsonType(contentType);
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
    return new Response(null, { status: 201, headers: this.metaHeaders(this.require(path)) });
  }

  private post(path: string, headers: Headers, body: string): Response {
    const stream = this.streams.get(path);
    if (!stream) return notFound();
    const closing = headers.get("stream-closed")?.trim().toLowerCase() === "true";
    const producerHeaders = [
      headers.get("producer-id"),
      headers.get("producer-epoch"),
      headers.get("producer-seq"),
    ];
    const present = producerHeaders.filter((value) => value !== null).length;
    if (present !== 0 && present !== 3) return badRequest("producer headers come all together");
    const [producerId, epochText, seqText] = producerHeaders;
    const producer =
      present === 3
        ? { id: producerId!, epoch: Number(epochText), seq: Number(seqText) }
        : undefined;
    if (
      producer &&
      (producer.id === "" ||
        !/^\d+$/.test(epochText!) ||
        !/^\d+$/.test(seqText!) ||
        !Number.isSafeInteger(producer.epoch) ||
        !Number.isSafeInteger(producer.seq))
    ) {
      return badRequest("invalid producer headers");
    }
    const tuple = producer ? `${producer.id}/${producer.epoch}/${producer.seq}` : undefined;
    const tail = () => this.offsetAt(stream, stream.messages.length);

    if (stream.closed) {
      if ((tuple !== undefined && tuple === stream.closedBy) || (closing && body === "")) {
        return new Response(null, {
          status: 204,
          headers: { "stream-next-offset": tail(), "stream-closed": "true" },
        });
      }
      return new Response("Stream is closed", {
        status: 409,
        headers: { "stream-next-offset": tail(), "stream-closed": "true" },
      });
    }
    if (body === "" && !closing) return badRequest("empty append");
    if (body !== "" && bareType(headers.get("content-type")) !== bareType(stream.contentType)) {
      return new Response("Content type mismatch", { status: 409 });
    }
    const streamSeq = headers.get("stream-seq");
    if (streamSeq !== null && stream.lastStreamSeq !== undefined) {
      if (streamSeq <= stream.lastStreamSeq) {
        return new Response("Stream-Seq regression", { status: 409 });
      }
    }

    let acceptedProducer: ProducerState | undefined;
    if (producer) {
      const state = stream.producers.get(producer.id);
      if (state && producer.epoch < state.epoch) {
        return new Response("Stale producer epoch", {
          status: 403,
          headers: { "producer-epoch": String(state.epoch) },
        });
      }
      if (!state || producer.epoch > state.epoch) {
        if (producer.seq !== 0) {
          if (!state) return sequenceGap(0, producer.seq);
          return badRequest("a new epoch starts at sequence 0");
        }
      } else if (producer.seq <= state.lastSeq) {
        return new Response(null, {
          status: 204,
          headers: {
            "producer-epoch": String(state.epoch),
            "producer-seq": String(state.lastSeq),
            "stream-next-offset": tail(),
          },
        });
      } else if (producer.seq > state.lastSeq + 1) {
        return sequenceGap(state.lastSeq + 1, producer.seq);
      }
      acceptedProducer = { epoch: producer.epoch, lastSeq: producer.seq };
    }

    if (body !== "") {
      const pieces = stream.json ? parseJsonMessages(body, false) : [body];
      if (pieces === undefined) return badRequest("invalid JSON, or an empty array");
      this.push(
        stream,
        stream.json ? pieces.map((piece) => JSON.stringify(piece)) : (pieces as string[]),
      );
    }
    if (streamSeq !== null) stream.lastStreamSeq = streamSeq;
    if (producer && acceptedProducer) stream.producers.set(producer.id, acceptedProducer);
    if (closing) {
      stream.closed = true;
      stream.closedBy = tuple;
    }
    this.notify(path);
    const responseHeaders: Record<string, string> = { "stream-next-offset": tail() };
    if (closing) responseHeaders["stream-closed"] = "true";
    if (acceptedProducer) {
      responseHeaders["producer-epoch"] = String(acceptedProducer.epoch);
      responseHeaders["producer-seq"] = String(acceptedProducer.lastSeq);
      return new Response(null, { status: 200, headers: responseHeaders });
    }
    return new Response(null, { status: 204, headers: responseHeaders });
  }

  // ---------------------------------------------------------------- helpers

  private require(path: string): StoredStream {
    const stream = this.streams.get(path);
    if (!stream) throw new Error(`no stream at ${path}`);
    return stream;
  }

  private push(stream: StoredStream, pieces: readonly string[]): void {
    for (const piece of pieces) {
      stream.messages.push(piece);
      stream.bytes += encoder.encode(piece).length;
      stream.ends.push(formatOffset(stream.bytes));
    }
  }

  private offsetAt(stream: StoredStream, index: number): string {
    return index === 0 ? START_OFFSET : stream.ends[index - 1]!;
  }

  /** The index of the first message after `offset`, or undefined when it is not a boundary. */
  private indexOf(stream: StoredStream, offset: string): number | undefined {
    if (offset === "-1" || offset === START_OFFSET) return 0;
    const index = stream.ends.indexOf(offset);
    return index < 0 ? undefined : index + 1;
  }

  private metaHeaders(stream: StoredStream): Record<string, string> {
    const headers: Record<string, string> = {
      "content-type": stream.contentType,
      "stream-next-offset": this.offsetAt(stream, stream.messages.length),
    };
    if (stream.closed) headers["stream-closed"] = "true";
    return headers;
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

function bodyText(body: RequestInit["body"]): string {
  if (body === undefined || body === null) return "";
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return decoder.decode(body);
  if (body instanceof ArrayBuffer) return decoder.decode(new Uint8Array(body));
  throw new Error("in-memory streams take string or byte bodies");
}

/** A JSON body as messages: an array's elements (empty only when creating), or one value. */
function parseJsonMessages(body: string, creating: boolean): unknown[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return [value];
  if (value.length === 0 && !creating) return undefined;
  return value;
}

function notFound(): Response {
  return new Response("Stream not found", {
    status: 404,
    headers: { "content-type": "text/plain" },
  });
}

function badRequest(message: string): Response {
  return new Response(message, { status: 400, headers: { "content-type": "text/plain" } });
}

function sequenceGap(expected: number, received: number): Response {
  return new Response("Sequence gap", {
    status: 409,
    headers: {
      "producer-expected-seq": String(expected),
      "producer-received-seq": String(received),
    },
  });
}

function failureResponse(status: number): Response {
  const text = status === 404 ? "Stream not found" : `Injected failure (${status})`;
  return new Response(text, { status, headers: { "content-type": "text/plain" } });
}
