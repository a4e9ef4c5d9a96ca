import { SequenceGapError, type DurableStreamError } from "./errors.js";
import { deferred, type Batch } from "./producer-batch.js";
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
export interface EpochSequencer {
  epoch: number;
  nextSeq: number;
  /** Whether one more batch may go out, with `inFlight` batches on the wire. */
  mayDispatch(inFlight: number): boolean;
  /** Gives the batch the current epoch and the next sequence number. */
  assign(batch: Batch): void;
  acknowledged(batch: Batch): void;
  /** A batch failed for good; a sent one leaves a hole in its epoch. */
  failed(batch: Batch): void;
  /** The batch goes back to the queue (its epoch was superseded). */
  released(batch: Batch): void;
  /** A batch left the wire; a drain ends, with a new epoch, once the wire is empty. */
  left(inFlight: number): void;
  /** Claims the producer id after a 403: an epoch above the server's and above our own. */
  claim(serverEpoch: number | undefined): void;
  start(epoch: number): void;
  /**
   * A 409 whose expected sequence is below ours: earlier batches have not
   * arrived yet. Waits for the previous batch, then resends; fails behind a
   * failed predecessor; goes back to the queue when the epoch moved on.
   */
  awaitPredecessor(
    batch: Batch,
    url: string,
    expectedSeq: number,
    receivedSeq: number,
  ): Promise<EarlyVerdict>;
}

export function epochSequencer(epoch: number): EpochSequencer {
  /** A batch of this epoch failed for good: let the wire empty, then start a new epoch. */
  let draining = false;
  /** This epoch's batches on the wire or failed, by sequence (acknowledged ones leave). */
  const bySeq = new Map<number, Batch>();
  /** Sequence 0 of the current epoch, until acknowledged: nothing else goes out meanwhile. */
  let opener: Batch | undefined;
  let changed = deferred();
  const release = (batch: Batch) => {
    if (opener === batch) opener = undefined;
  };

  const self: EpochSequencer = {
    epoch,
    nextSeq: 0,
    // A new epoch's first batch goes alone, on an empty wire: a later sequence
    // arriving first would be refused (400, a new epoch starts at 0), and an
    // older epoch's batch arriving after it would be fenced (403).
    mayDispatch: (inFlight) => !draining && (self.nextSeq === 0 ? inFlight === 0 : !opener),
    assign(batch) {
      batch.epoch = self.epoch;
      batch.seq = self.nextSeq++;
      if (batch.seq === 0) opener = batch;
      bySeq.set(batch.seq, batch);
    },
    acknowledged(batch) {
      release(batch);
      if (bySeq.get(batch.seq) === batch) bySeq.delete(batch.seq);
    },
    failed(batch) {
      release(batch);
      if (batch.seq >= 0 && batch.epoch === self.epoch) draining = true;
    },
    released(batch) {
      release(batch);
      batch.epoch = batch.seq = -1;
    },
    left(inFlight) {
      if (draining && inFlight === 0) self.start(self.epoch + 1);
    },
    claim(serverEpoch) {
      self.start(Math.max(serverEpoch ?? self.epoch, self.epoch) + 1);
    },
    start(next) {
      self.epoch = next;
      self.nextSeq = 0;
      bySeq.clear();
      draining = false;
      opener = undefined;
      changed.resolve();
      changed = deferred();
    },
    async awaitPredecessor(batch, url, expectedSeq, receivedSeq) {
      for (;;) {
        if (batch.epoch !== self.epoch) return "requeue";
        const previous = bySeq.get(batch.seq - 1);
        if (previous?.outcome === "failed") {
          return new SequenceGapError(url, expectedSeq, receivedSeq, { cause: previous.error });
        }
        if (previous?.outcome !== "pending") break;
        await Promise.race([previous.settled.catch(() => undefined), changed.promise]);
        // (Re-read: the wait may have changed it.)
        if ((previous.outcome as Batch["outcome"]) === "ok") return "resend";
      }
      // The predecessor was acknowledged; the server will have it in a moment.
      if (++batch.earlyRetries > MAX_EARLY_RETRIES) {
        return new SequenceGapError(url, expectedSeq, receivedSeq);
      }
      await sleep(EARLY_RETRY_MS);
      return "resend";
    },
  };
  return self;
}
