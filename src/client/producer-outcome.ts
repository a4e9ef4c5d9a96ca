import {
  SequenceGapError,
  StaleEpochError,
  StreamClosedError,
  type DurableStreamError,
} from "./errors.js";
import type { ProducerOutcome } from "./producer-send.js";

/** How long an out-of-order batch whose predecessor was acknowledged waits before asking again. */
export const EARLY_RETRY_MS = 10;
/** Such waits, at most, before the batch fails with a gap. */
export const MAX_EARLY_RETRIES = 500;

/** What the server's answer to one batch means for that batch. */
export type BatchDecision =
  /** Stored, or a repeat of a stored one; `offset`: the stream's end it moved to (a repeat moves nothing). */
  | { readonly kind: "ack"; readonly offset: string | undefined }
  /** It arrived early, and its predecessor is still out: wait for that to settle (or the epoch to change), then decide again. */
  | { readonly kind: "wait" }
  /**
   * Send it again. `pause`: its predecessor was acknowledged, so the server
   * will have it in a moment: after {@link EARLY_RETRY_MS}, counted against
   * {@link MAX_EARLY_RETRIES}.
   */
  | { readonly kind: "resend"; readonly pause: boolean }
  /** Fenced in the current epoch, with `autoClaim`: claim an epoch above the server's, then requeue. */
  | { readonly kind: "claim"; readonly error: StaleEpochError }
  /** Its epoch was superseded: back to the queue for the new one (`error`: its failure if it may have been stored). */
  | { readonly kind: "requeue"; readonly error: DurableStreamError }
  /** Failed for good; the producer goes on. */
  | { readonly kind: "fail"; readonly error: DurableStreamError }
  /** Fenced without `autoClaim`, or the stream is closed: nothing after it can succeed, so the producer stops. */
  | { readonly kind: "halt"; readonly error: DurableStreamError };

/** Where a batch stands, as far as its early arrival cares. */
export interface BatchStanding {
  readonly outcome: "pending" | "ok" | "failed";
  readonly error: unknown;
}

/** What a decision needs besides the answer. */
export interface BatchFacts {
  readonly url: string;
  readonly autoClaim: boolean;
  /** The epoch the batch went out in, and its paused resends so far. */
  readonly batch: { readonly epoch: number; readonly earlyRetries: number };
  readonly currentEpoch: number;
  /** The batch with the previous sequence of the current epoch, if the sequencer holds it; or the one just waited for. */
  readonly predecessor: BatchStanding | undefined;
  /** `predecessor` is the batch just waited for (an acknowledged one leaves the sequencer). */
  readonly waited: boolean;
}

const WAIT: BatchDecision = { kind: "wait" };
const RESEND: BatchDecision = { kind: "resend", pause: false };
const RESEND_AFTER_PAUSE: BatchDecision = { kind: "resend", pause: true };

/** Decides what happens to a batch after the server answered it (pure: the table is in producer-outcome.test.ts). */
export function decideBatch(outcome: ProducerOutcome, facts: BatchFacts): BatchDecision {
  if (outcome.kind === "ok") {
    return { kind: "ack", offset: outcome.duplicate ? undefined : outcome.offset };
  }
  if (outcome.kind === "early") return afterEarlyArrival(outcome, facts);
  const { error } = outcome;
  if (error instanceof StaleEpochError && facts.autoClaim) {
    // One claim per epoch: a batch fenced after another one claimed just follows it.
    return facts.batch.epoch === facts.currentEpoch
      ? { kind: "claim", error }
      : { kind: "requeue", error };
  }
  if (error instanceof StaleEpochError || error instanceof StreamClosedError) {
    return { kind: "halt", error };
  }
  return { kind: "fail", error };
}

/**
 * A 409 whose expected sequence is below the batch's: earlier batches have
 * not arrived yet. It goes again once its predecessor is stored, fails behind
 * a failed one, and goes back to the queue when the epoch moved on.
 */
function afterEarlyArrival(
  { expectedSeq, receivedSeq }: { expectedSeq: number; receivedSeq: number },
  { url, batch, currentEpoch, predecessor, waited }: BatchFacts,
): BatchDecision {
  if (waited && predecessor?.outcome === "ok") return RESEND;
  if (batch.epoch !== currentEpoch) {
    return { kind: "requeue", error: new StaleEpochError(url, currentEpoch) };
  }
  if (predecessor?.outcome === "failed") {
    const error = new SequenceGapError(url, expectedSeq, receivedSeq, { cause: predecessor.error });
    return { kind: "fail", error };
  }
  if (predecessor?.outcome === "pending") return WAIT;
  // The predecessor was acknowledged before: the server will have it in a moment.
  if (batch.earlyRetries >= MAX_EARLY_RETRIES) {
    return { kind: "fail", error: new SequenceGapError(url, expectedSeq, receivedSeq) };
  }
  return RESEND_AFTER_PAUSE;
}
