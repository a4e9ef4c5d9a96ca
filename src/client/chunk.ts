import type { Checkpoint, Offset } from "./offset.js";

/**
 * The data of one transport chunk, in the form it arrived in: nothing
 * (`undefined`), bytes, text, or a JSON stream's SSE data events (each a JSON
 * array, merged into one batch).
 */
export type Payload = undefined | Uint8Array | string | string[];

/** Metadata every consumer-facing chunk carries. */
export interface ChunkMeta {
  /** The offset after this chunk. */
  readonly offset: Offset;
  /** The CDN cursor that came with it. */
  readonly cursor: string | undefined;
  /** Save this to resume after the chunk: `read({ checkpoint })`. */
  readonly checkpoint: Checkpoint;
  /** The reader had caught up with the stream's tail when this chunk was produced. */
  readonly upToDate: boolean;
  /** The stream is closed and this is its end: nothing will follow. */
  readonly closed: boolean;
  /**
   * A piece of one large response: its checkpoint is still the response's
   * start, so state built from it is not yet consistent with any checkpoint.
   */
  readonly partial: boolean;
}

/**
 * One unit the transport hands to the consumption API: the metadata plus the
 * payload. `checkpoint` equals `{offset, cursor}` except for a piece of a
 * response too large to hold at once: then it is the response's start, so
 * resuming repeats the response but never skips it. Internal.
 */
export interface RawChunk extends ChunkMeta {
  readonly payload: Payload;
}

/** A batch of JSON messages. */
export interface JsonBatch<T> extends ChunkMeta {
  readonly items: T[];
}

/** A chunk of a text stream. */
export interface TextChunk extends ChunkMeta {
  readonly text: string;
}

/** A chunk of bytes. */
export interface ByteChunk extends ChunkMeta {
  readonly data: Uint8Array;
}

/** Whether the payload is bytes (the other kinds are text, SSE events, or nothing). */
export function isBytes(payload: Payload): payload is Uint8Array {
  return typeof payload === "object" && !Array.isArray(payload);
}

export function concatBytes(parts: readonly Uint8Array[], total?: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(total ?? parts.reduce((sum, part) => sum + part.length, 0));
  let position = 0;
  for (const part of parts) {
    out.set(part, position);
    position += part.length;
  }
  return out;
}

let encoder: TextEncoder | undefined;
let decoder: TextDecoder | undefined;

/** UTF-8 bytes of `text`; the encoder is made on first use so that importing costs nothing. */
export function encodeUtf8(text: string): Uint8Array {
  return (encoder ??= new TextEncoder()).encode(text);
}

/** The text of whole UTF-8 bytes (not streaming, so one decoder serves every call). */
export function decodeUtf8(bytes: Uint8Array): string {
  return (decoder ??= new TextDecoder()).decode(bytes);
}
