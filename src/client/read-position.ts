import type { Payload, RawChunk } from "./chunk.js";

/** Where a read stands: what its next request asks from. */
export interface ReadPosition {
  readonly offset: string;
  readonly cursor: string | undefined;
  readonly upToDate: boolean;
  readonly closed: boolean;
}

/** One settled answer (or a piece of one) from a transport. */
export interface AnswerPiece {
  readonly payload: Payload;
  /** The offset after it (ignored for a piece). */
  readonly offset: string;
  readonly cursor: string | undefined;
  readonly upToDate: boolean;
  readonly closed: boolean;
  /**
   * A piece of one large response: the position stays at the response's
   * start, so a read resumed after it repeats the response, never skips it.
   */
  readonly partial: boolean;
}

/**
 * The position after an answer, and the chunk the consumer sees. Offsets are
 * already checked by the transport (`settleAnswer`); this rule says where the
 * checkpoint is: after the answer, or at the response's start for a piece.
 * Closed is final, and a closed stream is up to date. Pure: tested as a table.
 */
export function advancePosition(
  position: ReadPosition,
  piece: AnswerPiece,
): { position: ReadPosition; chunk: RawChunk } {
  const { payload, cursor, closed, partial } = piece;
  if (partial) {
    const checkpoint = { offset: position.offset, cursor: position.cursor };
    return {
      position,
      chunk: {
        offset: position.offset,
        cursor,
        checkpoint,
        upToDate: false,
        closed,
        partial,
        payload,
      },
    };
  }
  const { offset } = piece;
  const upToDate = piece.upToDate || closed;
  const next = { offset, cursor, upToDate, closed: position.closed || closed };
  return {
    position: next,
    chunk: { offset, cursor, checkpoint: { offset, cursor }, upToDate, closed, partial, payload },
  };
}
