/**
 * A position in a stream. Offsets are opaque strings minted by the server; the
 * only ones a client may write itself are the two sentinels in {@link Offset}.
 */
export type Offset = string;

/** The two offsets a client may construct. */
export const Offset = {
  /** The start of the stream (`-1`). */
  beginning: "-1",
  /** The current tail: skip existing data and read only what comes next (`now`). */
  now: "now",
} as const;

/**
 * Where to resume reading: the offset and the CDN cursor that came with it.
 * Plain JSON, so it can be stored anywhere and handed back to `read()`.
 */
export interface Checkpoint {
  readonly offset: Offset;
  readonly cursor?: string | undefined;
}

/**
 * Orders two server offsets of the same stream. Offsets are lexicographically
 * sortable by the protocol, so plain code-unit comparison is right; the
 * sentinels sort before every real offset (`-1`) and are not comparable (`now`).
 */
export function compareOffsets(a: Offset, b: Offset): number {
  if (a === b) return 0;
  if (a === Offset.beginning) return -1;
  if (b === Offset.beginning) return 1;
  return a < b ? -1 : 1;
}
