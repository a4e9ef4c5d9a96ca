import { SequenceGapError, type DurableStreamError } from "./errors.js";
import { deferred, type Batch } from "./producer-batch.js";

/**
 * What a batch that failed for good means for the batches after it:
 * - `"block"`: the server may hold it, so no sequence after it and no new
 *   epoch is safe to send on the producer's own: it sends nothing more until
 *   `restart()`, when the application has decided what to do with its messages;
 * - `"new-epoch"`: it is certainly not stored, and took a sequence of the
 *   current epoch, which nothing after it can pass: the batches behind it fail
 *   through the gap, and once the wire is empty a new epoch begins (it fences
 *   any copy of this epoch's requests still on its way);
 * - `"none"`: it took no sequence of the current epoch.
 */
export type AfterFailure = "block" | "new-epoch" | "none";

export function afterFailure(failure: {
  outcomeUnknown: boolean;
  sent: boolean;
  currentEpoch: boolean;
}): AfterFailure {
  if (failure.outcomeUnknown) return "block";
  return failure.sent && failure.currentEpoch ? "new-epoch" : "none";
}

/**
 * The failure of a batch behind a gap the producer knows of: not an answer of
 * the server (so no status); `cause` is the failure that left the gap.
 */
export function throughGap(
  url: string,
  expectedSeq: number,
  receivedSeq: number | undefined,
  cause: DurableStreamError,
): SequenceGapError {
  return new SequenceGapError(url, expectedSeq, receivedSeq, { cause, status: undefined });
}

/** The batch that may have been stored, which the producer does not send past. */
export interface Blocker {
  readonly epoch: number;
  readonly seq: number;
  readonly error: DurableStreamError;
}

/**
 * The producer's (epoch, sequence) bookkeeping: which batch carries which
 * sequence, when the next batch may go out, and when a new epoch starts.
 */
export interface EpochSequencer {
  epoch: number;
  nextSeq: number;
  /** Set by a failure that may have been stored (see {@link afterFailure}); cleared by {@link unblock}. */
  blocked: Blocker | undefined;
  /**
   * Whether one more batch may go out, with `inFlight` batches on the wire. A
   * new epoch's first batch goes alone, on an empty wire: a later sequence
   * arriving first would be refused (400, a new epoch starts at 0), and an
   * older epoch's batch arriving after it would be fenced (403).
   */
  mayDispatch(inFlight: number): boolean;
  /** Gives the batch the current epoch and the next sequence number. */
  assign(batch: Batch): void;
  acknowledged(batch: Batch): void;
  /** A batch failed for good: see {@link afterFailure}. */
  failed(batch: Batch, error: DurableStreamError, outcomeUnknown: boolean): void;
  /** Whether the batch follows one of its epoch that the server certainly lacks (so it cannot be stored). */
  behindKnownGap(batch: Batch): boolean;
  /** The batches of the current epoch after `batch` that are still pending, in sequence order. */
  pendingAfter(batch: Batch): Batch[];
  /** The application decided after a blocking failure: sending may go on (in a new epoch). */
  unblock(): void;
  /** The batch goes back to the queue (its epoch was superseded). */
  released(batch: Batch): void;
  /** A batch left the wire; a drain ends, with a new epoch, once the wire is empty. */
  left(inFlight: number): void;
  /** Claims the producer id after a 403: an epoch above the server's and above our own. */
  claim(serverEpoch: number | undefined): void;
  start(epoch: number): void;
  /** The current epoch's batch with the sequence before `batch`'s, while on the wire or failed. */
  predecessor(batch: Batch): Batch | undefined;
  /** Resolves once `batch` settles or a new epoch starts, whichever comes first. */
  settledOrNewEpoch(batch: Batch): Promise<unknown>;
}

/** Whether a batch of `epoch` follows the lowest sequence of it that the server certainly lacks. */
function isBehindGap(batch: Batch, epoch: number, knownGap: number | undefined): boolean {
  return batch.seq >= 0 && batch.epoch === epoch && knownGap !== undefined && batch.seq > knownGap;
}

/** The batches after `batch` that are still pending, in sequence order. */
function pendingAfter(batch: Batch, batches: Iterable<Batch>): Batch[] {
  return [...batches]
    .filter((later) => later.seq > batch.seq && later.outcome === "pending")
    .sort((a, b) => a.seq - b.seq);
}

/** The bookkeeping of a producer starting in `epoch`. */
export function epochSequencer(epoch: number): EpochSequencer {
  /** A batch of this epoch failed for good: let the wire empty, then start a new epoch. */
  let draining = false;
  /** The lowest sequence of this epoch that failed and is certainly not stored. */
  let knownGap: number | undefined;
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
    blocked: undefined,
    mayDispatch: (inFlight) =>
      !draining && !self.blocked && (self.nextSeq === 0 ? inFlight === 0 : !opener),
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
    failed(batch, error, outcomeUnknown) {
      release(batch);
      const sent = batch.seq >= 0;
      const next = afterFailure({ outcomeUnknown, sent, currentEpoch: batch.epoch === self.epoch });
      if (next === "block") {
        self.blocked ??= { epoch: batch.epoch, seq: batch.seq, error };
      } else if (next === "new-epoch") {
        draining = true;
        knownGap = Math.min(knownGap ?? batch.seq, batch.seq);
      }
    },
    behindKnownGap: (batch) => isBehindGap(batch, self.epoch, knownGap),
    pendingAfter: (batch) =>
      batch.seq < 0 || batch.epoch !== self.epoch ? [] : pendingAfter(batch, bySeq.values()),
    unblock() {
      self.blocked = undefined;
    },
    released(batch) {
      release(batch);
      batch.epoch = batch.seq = -1;
    },
    left(inFlight) {
      // A blocked producer stays in its epoch: only restart() moves it on.
      if (draining && !self.blocked && inFlight === 0) self.start(self.epoch + 1);
    },
    claim(serverEpoch) {
      self.start(Math.max(serverEpoch ?? self.epoch, self.epoch) + 1);
    },
    start(next) {
      self.epoch = next;
      self.nextSeq = 0;
      bySeq.clear();
      draining = false;
      knownGap = undefined;
      opener = undefined;
      changed.resolve();
      changed = deferred();
    },
    predecessor: (batch) => bySeq.get(batch.seq - 1),
    settledOrNewEpoch: (batch) =>
      Promise.race([batch.settled.catch(() => undefined), changed.promise]),
  };
  return self;
}
