import type { Checkpoint, Offset } from "./offset.js";

/** The data of one transport chunk, in the form it arrived in. */
export type Payload =
  | { readonly kind: "none" }
  | { readonly kind: "bytes"; readonly bytes: Uint8Array }
  | { readonly kind: "text"; readonly text: string }
  /** JSON-stream SSE data events, each a JSON array, merged into one batch. */
  | { readonly kind: "json-events"; readonly events: readonly string[] };

/** One unit the transport hands to the consumption API. Internal. */
export interface RawChunk {
  readonly payload: Payload;
  /** Where to read next once this chunk is processed. */
  readonly offset: Offset;
  readonly cursor: string | undefined;
  readonly upToDate: boolean;
  readonly closed: boolean;
  /**
   * Where a reader resumes without losing anything. Equals `{offset, cursor}`
   * except for a piece of a response too large to hold at once: then it is the
   * response's start, so resuming repeats the response but never skips it.
   */
  readonly checkpoint: Checkpoint;
  /** A piece of a response too large to hold at once; more of it follows. */
  readonly partial: boolean;
}

export const NO_PAYLOAD: Payload = { kind: "none" };

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

export function chunkMeta(chunk: RawChunk): ChunkMeta {
  return {
    offset: chunk.offset,
    cursor: chunk.cursor,
    checkpoint: chunk.checkpoint,
    upToDate: chunk.upToDate,
    closed: chunk.closed,
    partial: chunk.partial,
  };
}

export function isEmptyPayload(payload: Payload): boolean {
  switch (payload.kind) {
    case "none":
      return true;
    case "bytes":
      return payload.bytes.length === 0;
    case "text":
      return payload.text.length === 0;
    case "json-events":
      return payload.events.length === 0;
  }
}

export function concatBytes(parts: readonly Uint8Array[], total?: number): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const size = total ?? parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(size);
  let position = 0;
  for (const part of parts) {
    out.set(part, position);
    position += part.length;
  }
  return out;
}
