import {
  concatBytes,
  type ByteChunk,
  type ChunkMeta,
  type JsonBatch,
  type Payload,
  type RawChunk,
  type TextChunk,
} from "./chunk.js";
import { isJsonContentType } from "./content-type.js";
import { DurableStreamError } from "./errors.js";
import type { Checkpoint, Offset } from "./offset.js";
import type { JsonCodec } from "./options.js";
import { payloadBytes, payloadItems, textDecoder } from "./payload.js";
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
  /** Body bytes received so far by this read, as the server sent them (for diagnostics). */
  get bytesReceived(): number {
    return this.session.bytesReceived;
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
    return (await untilUpToDate(this.jsonBatches<T>(), (batch) => batch.items)).flat() as T[];
  }

  /** All text until up to date. */
  async text(): Promise<string> {
    return (await untilUpToDate(this.textChunks(), (chunk) => chunk.text)).join("");
  }

  /** All bytes until up to date. */
  async bytes(): Promise<Uint8Array> {
    return concatBytes(await untilUpToDate(this.byteChunks(), (chunk) => chunk.data));
  }

  /** Batches of JSON messages, each with its own checkpoint. JSON streams only. */
  async *jsonBatches<T = unknown>(): AsyncGenerator<JsonBatch<T>> {
    if (!this.isJson) {
      throw new DurableStreamError(
        "CONTENT_TYPE_MISMATCH",
        `JSON reading needs an application/json stream; ${this.url} is ${this.contentType ?? "untyped"}`,
        { url: this.url },
      );
    }
    yield* this.consume("items", (payload) => payloadItems(payload, this.codec, this.url) as T[]);
  }

  /** JSON messages one by one. JSON streams only. */
  async *jsonItems<T = unknown>(): AsyncGenerator<T> {
    for await (const batch of this.jsonBatches<T>()) yield* batch.items;
  }

  /** Text chunks, decoded as UTF-8 across chunk boundaries. */
  textChunks(): AsyncGenerator<TextChunk> {
    return this.consume("text", textDecoder(this.codec, this.url));
  }

  /** Byte chunks. */
  byteChunks(): AsyncGenerator<ByteChunk> {
    return this.consume("data", (payload) => payloadBytes(payload, this.codec, this.url));
  }

  /** Stops the read; iterations in progress end quietly. */
  cancel(reason?: unknown): void {
    this.session.cancel(reason);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.cancel();
  }

  /**
   * The transport's chunks, once, with the payload converted and stored under
   * `key`, minus chunks that change nothing (an empty chunk is kept when it
   * brings up-to-date, closure or a new position).
   */
  private async *consume<K extends string, V>(
    key: K,
    convert: (payload: Payload, upToDate: boolean) => V,
  ): AsyncGenerator<ChunkMeta & { readonly [P in K]: V }> {
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
          !chunk.payload?.length &&
          chunk.offset === last.offset &&
          chunk.cursor === last.cursor &&
          chunk.upToDate === last.upToDate &&
          chunk.closed === last.closed;
        last = chunk;
        if (unchanged) continue;
        const { payload, ...meta } = chunk;
        yield { ...meta, [key]: convert(payload, chunk.upToDate) } as ChunkMeta & {
          readonly [P in K]: V;
        };
      }
    } finally {
      this.session.cancel();
    }
  }
}

/** Collects `pick` of each chunk until the first that is up to date. */
async function untilUpToDate<C extends ChunkMeta, V>(
  chunks: AsyncIterable<C>,
  pick: (chunk: C) => V,
): Promise<V[]> {
  const parts: V[] = [];
  for await (const chunk of chunks) {
    parts.push(pick(chunk));
    if (chunk.upToDate) break;
  }
  return parts;
}
