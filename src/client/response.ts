import {
  chunkMeta,
  concatBytes,
  isEmptyPayload,
  type ByteChunk,
  type JsonBatch,
  type RawChunk,
  type TextChunk,
} from "./chunk.js";
import { isJsonContentType } from "./content-type.js";
import { DurableStreamError } from "./errors.js";
import type { Checkpoint, Offset } from "./offset.js";
import type { JsonCodec } from "./options.js";
import { payloadBytes, payloadItems, TextPayloadDecoder } from "./payload.js";
import type { LiveMode } from "./read-options.js";
import type { ReadSession } from "./read-session.js";

/**
 * One read of a stream, returned by `stream.read()` once the first response
 * arrived. Consume it once, with one of the accumulators (which stop at up
 * to date) or one of the async iterables (which follow the live mode).
 * `await using` cancels it when the scope ends.
 */
export class StreamResponse {
  private consumed = false;

  /** @internal */
  constructor(
    private readonly session: ReadSession,
    private readonly codec: JsonCodec,
  ) {}

  /** The stream URL. */
  get url(): string {
    return this.session.url;
  }
  /** The stream's content type, from the first response. */
  get contentType(): string | undefined {
    return this.session.contentType;
  }
  /** Whether the stream holds JSON messages (`application/json`). */
  get isJson(): boolean {
    return isJsonContentType(this.session.contentType);
  }
  /** HTTP status of the first response (200, or 204 for a long-poll from `now` that timed out). */
  get status(): number {
    return this.session.status;
  }
  /** The live mode of this read. */
  get live(): LiveMode {
    return this.session.live;
  }
  /** The offset this read started at. */
  get startOffset(): Offset {
    return this.session.startOffset;
  }
  /** The offset after everything consumed so far. */
  get offset(): Offset {
    return this.session.offset;
  }
  /** The latest CDN cursor. */
  get cursor(): string | undefined {
    return this.session.cursor;
  }
  /** Where to resume after everything consumed so far. */
  get checkpoint(): Checkpoint {
    return { offset: this.session.offset, cursor: this.session.cursor };
  }
  /** Whether the consumed data reached the tail. */
  get upToDate(): boolean {
    return this.session.upToDate;
  }
  /** Whether the stream is closed and fully consumed. */
  get closed(): boolean {
    return this.session.closed;
  }

  /** All JSON messages until up to date. */
  async json<T = unknown>(): Promise<T[]> {
    const items: T[] = [];
    for await (const batch of this.jsonBatches<T>()) {
      for (const item of batch.items) items.push(item);
      if (batch.upToDate) break;
    }
    return items;
  }

  /** All text until up to date. */
  async text(): Promise<string> {
    const parts: string[] = [];
    for await (const chunk of this.textChunks()) {
      parts.push(chunk.text);
      if (chunk.upToDate) break;
    }
    return parts.join("");
  }

  /** All bytes until up to date. */
  async bytes(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const chunk of this.byteChunks()) {
      parts.push(chunk.data);
      if (chunk.upToDate) break;
    }
    return concatBytes(parts);
  }

  /** Batches of JSON messages, each with its own checkpoint. JSON streams only. */
  async *jsonBatches<T = unknown>(): AsyncGenerator<JsonBatch<T>> {
    if (!isJsonContentType(this.contentType)) {
      throw new DurableStreamError(
        "CONTENT_TYPE_MISMATCH",
        `JSON reading needs an application/json stream; ${this.url} is ${this.contentType ?? "untyped"}`,
        { url: this.url },
      );
    }
    for await (const chunk of this.rawChunks()) {
      const items = payloadItems(chunk.payload, this.codec, this.url) as T[];
      yield { ...chunkMeta(chunk), items };
    }
  }

  /** JSON messages one by one. JSON streams only. */
  async *jsonItems<T = unknown>(): AsyncGenerator<T> {
    for await (const batch of this.jsonBatches<T>()) yield* batch.items;
  }

  /** Text chunks, decoded as UTF-8 across chunk boundaries. */
  async *textChunks(): AsyncGenerator<TextChunk> {
    const decoder = new TextPayloadDecoder(this.codec, this.url);
    for await (const chunk of this.rawChunks()) {
      yield { ...chunkMeta(chunk), text: decoder.decode(chunk.payload, chunk.upToDate) };
    }
  }

  /** Byte chunks. */
  async *byteChunks(): AsyncGenerator<ByteChunk> {
    for await (const chunk of this.rawChunks()) {
      yield { ...chunkMeta(chunk), data: payloadBytes(chunk.payload, this.codec, this.url) };
    }
  }

  /** Stops the read; iterations in progress end quietly. */
  cancel(reason?: unknown): void {
    this.session.cancel(reason);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.cancel();
  }

  /**
   * The transport's chunks, once, minus those that change nothing (an empty
   * chunk is kept when it brings up-to-date, closure or a new position).
   */
  private async *rawChunks(): AsyncGenerator<RawChunk> {
    if (this.consumed) {
      throw new DurableStreamError(
        "INVALID_ARGUMENT",
        "This StreamResponse is already consumed; read the stream again for a second pass",
        { url: this.url },
      );
    }
    this.consumed = true;
    let last: RawChunk | undefined;
    try {
      for await (const chunk of this.session.chunks()) {
        const unchanged =
          last !== undefined &&
          isEmptyPayload(chunk.payload) &&
          chunk.offset === last.offset &&
          chunk.cursor === last.cursor &&
          chunk.upToDate === last.upToDate &&
          chunk.closed === last.closed;
        last = chunk;
        if (!unchanged) yield chunk;
      }
    } finally {
      this.session.cancel();
    }
  }
}
