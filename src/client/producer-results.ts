import { ProducerClosedError, type DurableStreamError } from "./errors.js";
import { compareOffsets } from "./offset.js";
import type { Batch } from "./producer-batch.js";
import type { ProducerBuffer } from "./producer-buffer.js";
import { deliveryFailure, isOutcomeUnknown } from "./producer-delivery.js";
import type { ProducerListeners } from "./producer-listeners.js";
import type { ProducerJournal } from "./producer-journal.js";
import type { ProducerErrorInfo } from "./producer-options.js";
import { asProducerError } from "./producer-send.js";
import { throughGap, type EpochSequencer } from "./producer-sequencer.js";

/** How batches settle, and how the producer stops: what the application can read of it. Internal. */
export interface ProducerResults {
  /** The highest offset the server acknowledged. */
  readonly lastOffset: string | undefined;
  /** The last batch failure, kept after later batches succeed. */
  readonly lastError: DurableStreamError | undefined;
  /** Why the producer stopped, once it has. */
  readonly stopReason: DurableStreamError | undefined;
  /** The server stored the batch; `offset`: the stream's end, if it moved. */
  acknowledged(batch: Batch, offset: string | undefined): void;
  advanceOffset(offset: string): void;
  /**
   * A batch failed for good: reports it once, saying whether the server may
   * hold it, and fails the batches this leaves no chance (`afterFailure` in
   * producer-sequencer.ts). A batch that settled already is left alone.
   */
  fail(batch: Batch, error: unknown): void;
  /** A fatal condition (fenced, stream closed): fails the batch that met it and everything not yet sent, and stops. */
  halt(reason: DurableStreamError, batch?: Batch): void;
  /** No more sending; the first reason stays. */
  stop(reason: DurableStreamError): void;
  /** Throws once the producer stopped. */
  assertAlive(): void;
}

/** `settle`: the bookkeeping once a batch left the wire for good (the dispatcher's). */
export function producerResults(
  url: string,
  seq: EpochSequencer,
  listeners: ProducerListeners,
  buffer: ProducerBuffer,
  settle: (batch: Batch) => void,
  journal: ProducerJournal | undefined,
): ProducerResults {
  let lastOffset: string | undefined;
  let lastError: DurableStreamError | undefined;
  let stopReason: DurableStreamError | undefined;

  const fail = (batch: Batch, error: unknown) => {
    if (batch.outcome !== "pending") return;
    const behindGap = seq.behindKnownGap(batch);
    const outcomeUnknown = isOutcomeUnknown(batch.delivery.mayHaveLanded, behindGap);
    const info: ProducerErrorInfo = {
      epoch: batch.seq >= 0 ? batch.epoch : seq.epoch,
      seq: batch.seq,
      messageCount: batch.messages.length,
      messages: batch.messages.map((message) => message.raw),
      outcomeUnknown,
    };
    const failure = deliveryFailure(asProducerError(error, url), info, outcomeUnknown, url);
    seq.failed(batch, failure, outcomeUnknown);
    lastError = failure;
    settle(batch);
    batch.fail(failure);
    listeners.failed(failure, info);
    journal?.failed(journalKeys(batch), failure);
    // The server certainly lacks it, so no later sequence of its epoch can be
    // stored: the batches behind it on the wire fail now, through the gap,
    // rather than retrying until their deadline.
    if (outcomeUnknown || behindGap) return;
    for (const later of seq.pendingAfter(batch)) {
      const gap = throughGap(url, batch.seq, later.seq, failure);
      fail(later, gap);
      later.delivery.cancel(gap);
    }
  };

  const self: ProducerResults = {
    get lastOffset() {
      return lastOffset;
    },
    get lastError() {
      return lastError;
    },
    get stopReason() {
      return stopReason;
    },
    acknowledged(batch, offset) {
      if (offset !== undefined) self.advanceOffset(offset);
      seq.acknowledged(batch);
      settle(batch);
      batch.succeed();
      journal?.acknowledged(journalKeys(batch));
    },
    advanceOffset(offset) {
      if (lastOffset === undefined || compareOffsets(offset, lastOffset) > 0) lastOffset = offset;
    },
    fail,
    halt(reason, batch) {
      self.stop(reason);
      if (batch) fail(batch, reason);
      buffer.accumulator.seal();
      for (const queued of buffer.queue.splice(0)) fail(queued, reason);
    },
    stop(reason) {
      stopReason ??= reason;
      buffer.accumulator.cancelTimer();
      listeners.changed();
    },
    assertAlive() {
      if (stopReason) {
        throw stopReason instanceof ProducerClosedError
          ? stopReason
          : new ProducerClosedError(url, "stopped", stopReason);
      }
    },
  };
  return self;
}

/** The journal keys of a batch's messages. */
export function journalKeys(batch: Batch): number[] {
  return batch.messages.flatMap((message) => (message.key === undefined ? [] : [message.key]));
}
