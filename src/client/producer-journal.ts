import type { ProducerMessage } from "./producer-batch.js";

/**
 * Where a producer records its messages before they go out, so that they can
 * be sent again, unchanged, after the page is gone (the durable outbox of
 * `react-durable-streams`). The producer tells it each message as it is
 * accepted, the (epoch, sequence) of each batch before that batch is sent,
 * and when a batch is done with. Optional: a producer without one keeps
 * everything in memory.
 */
export interface ProducerJournal {
  /**
   * Undefined once the producer may send; until then a promise of that
   * moment (an earlier page's entries are being re-sent first). Appends are
   * accepted meanwhile. A rejection stops the producer (what it holds fails
   * with the reason, as the journal's `failed`).
   */
  ready(): Promise<void> | undefined;
  /**
   * A message was accepted in `epoch`. Starts recording it within the current
   * task (a closing page runs no later one); returns the key the producer
   * refers to it by.
   */
  appended(message: ProducerMessage, epoch: number): number;
  /**
   * The messages `keys`, in order, go out as one batch with (epoch, seq). The
   * batch is sent once the returned promise resolves (at once without one).
   */
  assigned(keys: readonly number[], epoch: number, seq: number): Promise<void> | undefined;
  /** The batch is stored (acknowledged, or a duplicate of a stored one). */
  acknowledged(keys: readonly number[]): void;
  /** The batch failed for good, and its failure was reported. */
  failed(keys: readonly number[], error: Error): void;
}
