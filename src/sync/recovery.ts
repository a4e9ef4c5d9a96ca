import { DurableStreamError, OffsetGoneError, StreamNotFoundError } from "../client/index.js";

/** Backoff of whole-read restarts after the client's own retries gave up. */
const RESTART_BASE_MS = 1000;
const RESTART_MAX_MS = 30_000;

/**
 * What a live view does after its read failed:
 * - `start-over`: the offset is gone (410) or belongs to an earlier stream
 *   under the same URL: drop the state and the checkpoint, read from the
 *   beginning after `delayMs` (0 the first time).
 * - `reconnect`: a transient failure: read again from where it was after `delayMs`.
 * - `stop`: a failure that will not heal by itself: show it until `retry()`.
 * `discardCheckpoint` when the stream or the offset is gone.
 */
export type Recovery =
  | { kind: "start-over"; delayMs: number; discardCheckpoint: true }
  | { kind: "reconnect"; delayMs: number; discardCheckpoint: boolean }
  | { kind: "stop"; discardCheckpoint: boolean };

/** Where the view stands when its read fails. */
export interface RecoveryFacts {
  /** Whether the view holds a position (a server offset) to lose. */
  hasOffset: boolean;
  /** Transient failures in a row so far. */
  failures: number;
  /** Starts-over since the read was last healthy. */
  resets: number;
}

/** Decides the recovery. Pure: tested as a table. */
export function recoveryFor(error: unknown, facts: RecoveryFacts): Recovery {
  const gone = error instanceof StreamNotFoundError || error instanceof OffsetGoneError;
  if (error instanceof OffsetGoneError && facts.hasOffset) {
    const delayMs = facts.resets === 0 ? 0 : restartDelay(facts.resets - 1);
    return { kind: "start-over", delayMs, discardCheckpoint: true };
  }
  if (error instanceof DurableStreamError && error.retryable) {
    return { kind: "reconnect", delayMs: restartDelay(facts.failures), discardCheckpoint: gone };
  }
  return { kind: "stop", discardCheckpoint: gone };
}

function restartDelay(attempt: number): number {
  return Math.min(RESTART_MAX_MS, RESTART_BASE_MS * 2 ** attempt);
}
