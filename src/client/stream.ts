import type { ClientContext } from "./context.js";
import { normalizeContentType } from "./content-type.js";
import {
  ContentTypeMismatchError,
  DurableStreamError,
  InvalidArgumentError,
  SequenceConflictError,
  requireArgument,
} from "./errors.js";
import {
  STREAM_CLOSED,
  STREAM_EXPIRES_AT,
  STREAM_NEXT_OFFSET,
  STREAM_SEQ,
  STREAM_TTL,
  isTrueHeader,
} from "./headers.js";
import { discardBody, sendRequest, type RequestSpec } from "./http.js";
import type { Offset } from "./offset.js";
import type { CallOptions } from "./options.js";
import type { ReadOptions } from "./read-options.js";
import type { ProducerHost } from "./producer-options.js";
import { openReadSession, type ReadSessionObserver } from "./read-session.js";
import { StreamResponse } from "./response.js";

/** Bytes or text to write. */
export type StreamData = Uint8Array | string;

/** Options of {@link DurableStream.create}. */
export interface CreateOptions extends CallOptions {
  /** The stream's content type. The server defaults to `application/octet-stream`. */
  contentType?: string;
  /** Sliding time to live in whole seconds, renewed by every read and write. */
  ttlSeconds?: number;
  /** Absolute expiry (RFC 3339 string or Date). Not together with `ttlSeconds`. */
  expiresAt?: string | Date;
  /** Create the stream already closed (its initial data is then all it will ever hold). */
  closed?: boolean;
  /** Initial content. For JSON streams, a JSON value or array of messages as text. */
  data?: StreamData;
}

/** Result of {@link DurableStream.create}. */
export interface CreateResult {
  /** `true` for 201 (created now), `false` for 200 (an identical stream already existed). */
  created: boolean;
  /** The tail offset after any initial data. */
  offset: Offset;
  contentType: string | undefined;
  closed: boolean;
}

/** Result of {@link DurableStream.head}. */
export interface HeadResult {
  contentType: string | undefined;
  /** The tail offset. */
  offset: Offset;
  etag: string | undefined;
  cacheControl: string | undefined;
  closed: boolean;
  ttlSeconds?: number;
  expiresAt?: string;
}

/** Options of {@link DurableStream.append}. */
export interface AppendOptions extends CallOptions {
  /** `Stream-Seq` writer coordination token; must increase bytewise from append to append. */
  seq?: string;
  /** Overrides the stream's content type for this request. */
  contentType?: string;
}

/** Result of an append. */
export interface AppendResult {
  /** The tail offset after the append. */
  offset: Offset;
}

/** Options of {@link DurableStream.close}. */
export interface CloseOptions extends CallOptions {
  /** A final message appended atomically with the close. */
  data?: StreamData;
  contentType?: string;
}

/** Result of {@link DurableStream.close}. */
export interface CloseResult {
  finalOffset: Offset;
}

/** Options of {@link DurableStreamClient.stream}. */
export interface StreamHandleOptions {
  /** The stream's content type, when known; saves a HEAD before the first append. */
  contentType?: string;
}

/**
 * A handle on one stream URL. Creating it does no I/O; every method is one
 * protocol operation. Appends here are at most once: they are repeated only
 * when the server answered 429 or 5xx. Use a producer for exactly-once writes.
 */
export class DurableStream {
  private knownContentType: string | undefined;

  /** @internal */
  constructor(
    private readonly context: ClientContext,
    /** The absolute stream URL. */
    readonly url: string,
    options: StreamHandleOptions = {},
  ) {
    this.knownContentType = options.contentType;
  }

  /** The content type, once known from `create`, `head`, a read or the handle options. */
  get contentType(): string | undefined {
    return this.knownContentType;
  }

  /** Creates the stream (PUT). Idempotent: an identical existing stream answers `created: false`. */
  async create(options: CreateOptions = {}): Promise<CreateResult> {
    const headers: Record<string, string> = {};
    const requestedType = options.contentType ?? this.knownContentType;
    if (requestedType !== undefined) headers["content-type"] = requestedType;
    if (options.ttlSeconds !== undefined) {
      if (options.expiresAt !== undefined) {
        throw new InvalidArgumentError("ttlSeconds", "give ttlSeconds or expiresAt, not both");
      }
      requireArgument(
        Number.isSafeInteger(options.ttlSeconds) && options.ttlSeconds >= 0,
        "ttlSeconds",
        "a non-negative whole number",
        options.ttlSeconds,
      );
      headers[STREAM_TTL] = String(options.ttlSeconds);
    }
    if (options.expiresAt !== undefined) headers[STREAM_EXPIRES_AT] = toRfc3339(options.expiresAt);
    if (options.closed) headers[STREAM_CLOSED] = "true";
    const response = await this.send(
      { method: "PUT", headers, body: options.data, retry: "all", error: { operation: "create" } },
      options,
    );
    const contentType = response.headers.get("content-type") ?? requestedType;
    this.knownContentType = contentType ?? this.knownContentType;
    discardBody(response);
    return {
      created: response.status === 201,
      offset: response.headers.get(STREAM_NEXT_OFFSET) ?? "-1",
      contentType,
      closed: isTrueHeader(response.headers.get(STREAM_CLOSED)),
    };
  }

  /** Reads the stream's metadata (HEAD). A missing stream is a `StreamNotFoundError`. */
  async head(options: CallOptions = {}): Promise<HeadResult> {
    const response = await this.send(
      { method: "HEAD", retry: "all", error: { operation: "head" } },
      options,
    );
    const headers = response.headers;
    const contentType = headers.get("content-type") ?? undefined;
    this.knownContentType = contentType ?? this.knownContentType;
    const result: HeadResult = {
      contentType,
      offset: headers.get(STREAM_NEXT_OFFSET) ?? "-1",
      etag: headers.get("etag") ?? undefined,
      cacheControl: headers.get("cache-control") ?? undefined,
      closed: isTrueHeader(headers.get(STREAM_CLOSED)),
    };
    const ttl = headers.get(STREAM_TTL);
    if (ttl !== null && /^\d+$/.test(ttl)) result.ttlSeconds = Number(ttl);
    const expiresAt = headers.get(STREAM_EXPIRES_AT);
    if (expiresAt !== null) result.expiresAt = expiresAt;
    return result;
  }

  /**
   * Appends bytes or text (POST), at most once. An empty body is sent as is:
   * the server rejects it (400), as the protocol says.
   */
  async append(data: StreamData, options: AppendOptions = {}): Promise<AppendResult> {
    const contentType = options.contentType ?? (await this.resolveContentType(options));
    const headers: Record<string, string> = { "content-type": contentType };
    if (options.seq !== undefined) headers[STREAM_SEQ] = options.seq;
    try {
      const response = await this.send(
        {
          method: "POST",
          headers,
          body: data,
          retry: "answered",
          error: { operation: "append", sentContentType: contentType, sentSeq: options.seq },
        },
        options,
      );
      return { offset: response.headers.get(STREAM_NEXT_OFFSET) ?? "" };
    } catch (error) {
      throw await this.refineConflict(error, contentType, options);
    }
  }

  /** Appends one JSON value as one message (sent as `[value]`, so arrays stay one message). */
  appendJson(
    value: unknown,
    options: Omit<AppendOptions, "contentType"> = {},
  ): Promise<AppendResult> {
    const text = this.context.json.stringify([value]);
    return this.append(text, { ...options, contentType: "application/json" });
  }

  /**
   * Closes the stream, optionally appending a final message atomically. A
   * plain close is idempotent and retried freely; a close with data is at
   * most once, like an append.
   */
  async close(options: CloseOptions = {}): Promise<CloseResult> {
    const headers: Record<string, string> = { [STREAM_CLOSED]: "true" };
    const hasData = options.data !== undefined && options.data.length > 0;
    if (hasData)
      headers["content-type"] = options.contentType ?? (await this.resolveContentType(options));
    const response = await this.send(
      {
        method: "POST",
        headers,
        body: hasData ? options.data : undefined,
        retry: hasData ? "answered" : "all",
        error: { operation: "close", sentContentType: headers["content-type"] },
      },
      options,
    );
    return { finalOffset: response.headers.get(STREAM_NEXT_OFFSET) ?? "" };
  }

  /** Deletes the stream (DELETE). */
  async delete(options: CallOptions = {}): Promise<void> {
    const response = await this.send(
      { method: "DELETE", retry: "all", error: { operation: "delete" } },
      options,
    );
    discardBody(response);
  }

  /**
   * Starts reading. Resolves once the first response arrived (so a missing
   * stream rejects here); consume the result once.
   */
  async read(options: ReadOptions = {}, observer?: ReadSessionObserver): Promise<StreamResponse> {
    if (options.offset === "") {
      throw new InvalidArgumentError("offset", "must not be empty");
    }
    const session = await openReadSession(
      this.context,
      this.url,
      options,
      this.knownContentType,
      observer,
    );
    this.knownContentType = session.contentType ?? this.knownContentType;
    return new StreamResponse(session, this.context.json);
  }

  /**
   * @internal What `new IdempotentProducer(stream, id, options)` needs from
   * this handle. The handle references no producer code, so an app that only
   * reads does not bundle the producer.
   */
  get producerHost(): ProducerHost {
    return {
      context: this.context,
      url: this.url,
      knownContentType: this.knownContentType,
      contentType: () => this.resolveContentType({}),
    };
  }

  private send(spec: Omit<RequestSpec, "url" | "call">, call: CallOptions): Promise<Response> {
    // Every caller passes a fresh literal, so completing it in place is safe (and
    // spares a copy per request).
    const request = spec as RequestSpec;
    request.url = this.url;
    request.call = call;
    return sendRequest(this.context, request);
  }

  /** The content type for a write: known, learned once with a HEAD, or octet-stream. */
  private async resolveContentType(call: CallOptions): Promise<string> {
    if (this.knownContentType === undefined) await this.head(call);
    return this.knownContentType ?? "application/octet-stream";
  }

  /**
   * A 409 on an append that carried `Stream-Seq` is a sequence regression
   * unless the content type was the real cause; the server checks the type
   * first, so ask it for the stream's type before blaming the sequence.
   */
  private async refineConflict(
    error: unknown,
    sentContentType: string,
    call: CallOptions,
  ): Promise<unknown> {
    if (!(error instanceof SequenceConflictError)) {
      if (error instanceof ContentTypeMismatchError && error.streamContentType === undefined) {
        return new ContentTypeMismatchError(this.url, sentContentType, this.knownContentType, {
          status: error.status,
        });
      }
      return error;
    }
    try {
      const { contentType } = await this.head(call);
      if (normalizeContentType(contentType) !== normalizeContentType(sentContentType)) {
        return new ContentTypeMismatchError(this.url, sentContentType, contentType, {
          status: error.status,
        });
      }
    } catch (headError) {
      if (!(headError instanceof DurableStreamError)) throw headError;
    }
    return error;
  }
}

function toRfc3339(value: string | Date): string {
  if (typeof value === "string") return value;
  if (Number.isNaN(value.getTime())) throw new InvalidArgumentError("expiresAt", "invalid date");
  return value.toISOString();
}
