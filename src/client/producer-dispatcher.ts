import { ProducerClosedError, type DurableStreamError } from "./errors.js";
import type { JsonCodec } from "./options.js";
import { enqueue, type Batch } from "./producer-batch.js";
import { producerBuffer, type ProducerBuffer } from "./producer-buffer.js";
import type { StopReason } from "./producer-delivery.js";
import type { ProducerFormat } from "./producer-format.js";
import type { ProducerListeners } from "./producer-listeners.js";
import type { ProducerSettings } from "./producer-options.js";
import { EARLY_RETRY_MS, decideBatch } from "./producer-outcome.js";
import { journalKeys, producerResults, type ProducerResults } from "./producer-results.js";
import { asProducerError, type ProducerOutcome } from "./producer-send.js";
import { throughGap, type EpochSequencer } from "./producer-sequencer.js";
import { inFlightWindow, type InFlightWindow } from "./producer-window.js";
import { sleep } from "./retry.js";

/** What a dispatcher works with. */
export interface DispatcherConfig {
  readonly url: string;
  readonly settings: ProducerSettings;
  readonly seq: EpochSequencer;
  /** Whether messages are JSON, once the content type is known. */
  readonly format: Pick<ProducerFormat, "json" | "known">;
  readonly listeners: ProducerListeners;
  readonly codec: JsonCodec;
  /** The client's retry budget: what a batch still gets once detach() or close() stops its retries. */
  readonly maxRetries: number;
  /** Sends a batch's request, retried until its delivery deadline, and says how the server answered. */
  readonly send: (batch: Batch) => Promise<ProducerOutcome>;
}

/**
 * Moves batches from the buffer's queue onto the wire, pipelined up to the
 * in-flight window under the sequencer's epoch gate, and settles them as
 * their answers say ({@link decideBatch}). Internal.
 */
export interface ProducerDispatcher {
  readonly buffer: ProducerBuffer;
  readonly results: ProducerResults;
  /** From now on batches get the client's retry budget, no more (see BatchDelivery.stopRetrying). */
  stopRetries(reason: "detached" | "closed"): void;
}

/** Builds the dispatcher, with its buffer and results. */
export function producerDispatcher(config: DispatcherConfig): ProducerDispatcher {
  const { url, settings, seq, format, listeners } = config;
  const dispatchWindow = inFlightWindow(settings.maxInFlight);
  let retryStop: StopReason | undefined;
  const canDispatch = () => inFlight.size < dispatchWindow.size && seq.mayDispatch(inFlight.size);
  // A blocked producer fails what is sealed at once, so it need not linger.
  const canSend = () =>
    !results.stopReason && queue.length === 0 && (seq.blocked !== undefined || canDispatch());
  const buffer = producerBuffer(settings, config.codec, () => pump(), canSend);
  const { queue, inFlight } = buffer;
  const results = producerResults(
    url,
    seq,
    listeners,
    buffer,
    (batch) => settle(batch),
    settings.journal,
  );

  /** Dispatches queued batches while the content type is known and the gates allow. */
  const pump = (): void => {
    if (results.stopReason || isHeld(config, queue.length > 0, results, pump)) return;
    const json = format.json!;
    const { blocked } = seq;
    // Past a batch that may have been stored, nothing is sent until restart().
    if (blocked) {
      for (const batch of queue.splice(0)) {
        results.fail(batch, throughGap(url, blocked.seq, undefined, blocked.error));
      }
      return;
    }
    while (queue.length > 0 && canDispatch()) {
      const batch = queue.shift()!;
      try {
        // A message that cannot be encoded fails its batch before it takes a sequence.
        buffer.encode(batch, json);
      } catch (error) {
        results.fail(batch, error);
        continue;
      }
      seq.assign(batch);
      if (retryStop) batch.delivery.stopRetrying(retryStop, config.maxRetries);
      inFlight.add(batch);
      launch(batch, wire);
      listeners.changed();
    }
  };

  /** Bookkeeping once a batch left the wire for good. */
  const settle = (batch: Batch) => {
    buffer.released(batch);
    if (!results.stopReason) seq.left(inFlight.size);
    listeners.changed();
    queueMicrotask(() => {
      pump();
      buffer.accumulator.release();
    });
  };

  const wire: Wire = {
    config,
    window: dispatchWindow,
    results,
    stopping: () => retryStop !== undefined,
    requeue(batch, why) {
      if (batch.delivery.mayHaveLanded) return results.fail(batch, why);
      inFlight.delete(batch);
      seq.released(batch);
      enqueue(queue, batch);
      pump();
    },
  };

  return {
    buffer,
    results,
    stopRetries(reason) {
      retryStop ??= (lastFailure) => new ProducerClosedError(url, reason, lastFailure);
      for (const batch of inFlight) batch.delivery.stopRetrying(retryStop, config.maxRetries);
    },
  };
}

/**
 * Whether something the queue waits for is missing: the journal's go-ahead
 * (an earlier page's messages are re-sent first; its refusal stops the
 * producer) or the content type. With batches queued, `pump` runs again once
 * it is there.
 */
function isHeld(
  { settings, format, url }: DispatcherConfig,
  queued: boolean,
  results: ProducerResults,
  pump: () => void,
): boolean {
  const journalWait = settings.journal?.ready();
  const wait = journalWait ?? (format.json === undefined ? format.known() : undefined);
  if (wait && queued) {
    const stop = (error: unknown) => journalWait && results.halt(asProducerError(error, url));
    void wait.then(pump, stop);
  }
  return wait !== undefined;
}

/**
 * Sends a dispatched batch. A journal records its epoch and sequence first:
 * re-sent after a reload it must carry them unchanged, or the server could
 * store it twice. A journal that fails to record it only costs its durability.
 */
function launch(batch: Batch, wire: Wire): void {
  const { journal } = wire.config.settings;
  const written = journal?.assigned(journalKeys(batch), batch.epoch, batch.seq);
  const sent = written
    ? written.catch(() => undefined).then(() => deliver(batch, wire))
    : deliver(batch, wire);
  void sent.catch((error: unknown) => wire.results.fail(batch, error));
}

/** What delivering a batch needs from its dispatcher. */
interface Wire {
  readonly config: DispatcherConfig;
  readonly window: InFlightWindow;
  readonly results: ProducerResults;
  /** Whether detach() or close() stopped the retries. */
  stopping(): boolean;
  /**
   * Back to the queue, in its original place, to be resent in the new epoch;
   * unless it may have been stored in the old one (`why`: its epoch ended):
   * resent under another epoch it could be stored twice, so it fails instead.
   */
  requeue(batch: Batch, why: DurableStreamError): void;
}

/**
 * Sends one batch until it is acknowledged, requeued for a new epoch, or
 * failed, doing what each answer means ({@link decideBatch}). A failure to
 * reach the server rejects (the dispatcher fails the batch); a batch failed
 * meanwhile (behind a gap) is left alone.
 */
async function deliver(batch: Batch, wire: Wire): Promise<void> {
  const { config, results } = wire;
  const { url, seq } = config;
  const { autoClaim } = config.settings;
  // Failed (behind a gap) while its journal entry was written: it must not go out now.
  if (batch.outcome !== "pending") return;
  let outcome = await config.send(batch);
  let arrivedEarly = false;
  let waitedFor: Batch | undefined;
  for (;;) {
    if (batch.outcome !== "pending") return;
    if (outcome.kind === "early" && !arrivedEarly) {
      arrivedEarly = true;
      wire.window.early();
    }
    const predecessor = waitedFor ?? seq.predecessor(batch);
    const waited = waitedFor !== undefined;
    const facts = { url, autoClaim, batch, currentEpoch: seq.epoch, predecessor, waited };
    const decision = decideBatch(outcome, facts);
    waitedFor = undefined;
    switch (decision.kind) {
      case "wait":
        waitedFor = predecessor!;
        await seq.settledOrNewEpoch(waitedFor);
        break;
      case "resend":
        if (decision.pause) {
          batch.earlyRetries++;
          await sleep(EARLY_RETRY_MS);
          if (batch.outcome !== "pending") return;
        }
        outcome = await config.send(batch);
        break;
      case "ack":
        wire.window.acknowledged(!arrivedEarly);
        return results.acknowledged(batch, decision.offset);
      case "claim":
        // A producer that is detaching does not take the id back: whoever fenced it
        // may be the next page re-sending this very batch from the outbox.
        if (wire.stopping()) return results.fail(batch, decision.error);
        // The new epoch's first batch waits for the wire to empty, and the others wait for it.
        seq.claim(decision.error.currentEpoch);
        return wire.requeue(batch, decision.error);
      case "requeue":
        return wire.requeue(batch, decision.error);
      case "fail":
        return results.fail(batch, decision.error);
      case "halt":
        return results.halt(decision.error, batch);
    }
  }
}
