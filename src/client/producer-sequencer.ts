import { SequenceGapError, type DurableStreamError } from "./errors.js";
import type { Batch } from "./producer-batch.js";
import { sleep } from "./retry.js";

/** How long an out-of-order batch whose predecessor was acknowledged waits before asking again. */
export const EARLY_RETRY_MS = 10;
export const MAX_EARLY_RETRIES = 500;

/** What to do with a batch the server found early (409, expected sequence below ours). */
export type EarlyVerdict = "resend" | "requeue" | DurableStreamError;

/**
 * The producer's (epoch, sequence) bookkeeping: which batch carries which
 * sequence, when the next batch may go out, and when a new epoch starts.
 */
export class EpochSequencer {
  epoch: number;
  nextSeq = 0;
  /** A batch of this epoch failed for good: let the wire empty, then start a new epoch. */
  draining = false;
  /** This epoch's batches on the wire or failed, by sequence (acknowledged ones leave). */
  private readonly bySeq = new Map<number, Batch>();
  /** Sequence 0 of the current epoch, until acknowledged: nothing else goes out meanwhile. */
  private opener: Batch | undefined;
  private changed = deferred();

  constructor(epoch: number) {
    this.epoch = epoch;
  }

  /** Whether one more batch may go out, with `inFlight` batches on the wire. */
  mayDispatch(inFlight: number): boolean {
    if (this.draining) return false;
    // A new epoch's first batch goes alone, on an empty wire: a later sequence
    // arriving first would be refused (400, a new epoch starts at 0), and an
    // older epoch's batch arriving after it would be fenced (403).
    return this.nextSeq === 0 ? inFlight === 0 : this.opener === undefined;
  }

  /** Gives the batch the current epoch and the next sequence number. */
  assign(batch: Batch): void {
    batch.epoch = this.epoch;
    batch.seq = this.nextSeq++;
    if (batch.seq === 0) this.opener = batch;
    this.bySeq.set(batch.seq, batch);
  }

  acknowledged(batch: Batch): void {
    if (this.opener === batch) this.opener = undefined;
    if (this.bySeq.get(batch.seq) === batch) this.bySeq.delete(batch.seq);
  }

  /** A batch failed for good; a sent one leaves a hole in its epoch. */
  failed(batch: Batch): void {
    if (this.opener === batch) this.opener = undefined;
    if (batch.seq >= 0 && batch.epoch === this.epoch) this.draining = true;
  }

  /** The batch goes back to the queue (its epoch was superseded). */
  released(batch: Batch): void {
    if (this.opener === batch) this.opener = undefined;
    batch.epoch = -1;
    batch.seq = -1;
  }

  /** A batch left the wire; a drain ends, with a new epoch, once the wire is empty. */
  left(inFlight: number): void {
    if (this.draining && inFlight === 0) this.start(this.epoch + 1);
  }

  start(epoch: number): void {
    this.epoch = epoch;
    this.nextSeq = 0;
    this.bySeq.clear();
    this.draining = false;
    this.opener = undefined;
    const changed = this.changed;
    this.changed = deferred();
    changed.resolve();
  }

  /**
   * A 409 whose expected sequence is below ours: earlier batches have not
   * arrived yet. Waits for the previous batch, then resends; fails behind a
   * failed predecessor; goes back to the queue when the epoch moved on.
   */
  async awaitPredecessor(
    batch: Batch,
    url: string,
    expectedSeq: number,
    receivedSeq: number,
  ): Promise<EarlyVerdict> {
    for (;;) {
      if (batch.epoch !== this.epoch) return "requeue";
      const previous = this.bySeq.get(batch.seq - 1);
      if (previous?.outcome === "failed") {
        return new SequenceGapError(url, expectedSeq, receivedSeq, { cause: previous.error });
      }
      if (previous?.outcome !== "pending") break;
      await Promise.race([previous.settled.catch(() => undefined), this.changed.promise]);
      // (Re-read: the wait may have changed it.)
      if ((previous.outcome as Batch["outcome"]) === "ok") return "resend";
    }
    // The predecessor was acknowledged; the server will have it in a moment.
    if (++batch.earlyRetries > MAX_EARLY_RETRIES) {
      return new SequenceGapError(url, expectedSeq, receivedSeq);
    }
    await sleep(EARLY_RETRY_MS);
    return "resend";
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
