import { isJsonContentType } from "./content-type.js";
import {
  DurableStreamError,
  ProducerBufferFullError,
  ProducerClosedError,
  StaleEpochError,
  StreamClosedError,
} from "./errors.js";
import { compareOffsets } from "./offset.js";
import {
  batchAccumulator,
  batchBody,
  encodeMessage,
  enqueue,
  estimateSize,
  type Batch,
  type ProducerMessage,
} from "./producer-batch.js";
import { sendClose } from "./producer-close.js";
import { producerListeners } from "./producer-listeners.js";
import type { ProducerErrorInfo, ProducerHost, ProducerSettings } from "./producer-options.js";
import { deliveryFailure, isOutcomeUnknown, type StopReason } from "./producer-delivery.js";
import { asProducerError, sendProducerRequest } from "./producer-send.js";
import { epochSequencer, throughGap } from "./producer-sequencer.js";
import { inFlightWindow } from "./producer-window.js";

/** The producer's engine; `IdempotentProducer` documents each member. Internal. */
export type ProducerCore = ReturnType<typeof producerCore>;

/**
 * Exactly-once appends (PROTOCOL.md §5.2.1): batches sealed by the
 * accumulator go out pipelined up to `maxInFlight` under the sequencer's
 * epoch gate, and are resent safely because the server deduplicates on
 * (producer id, epoch, sequence). The state lives in this closure, so that a
 * proxy wrapping the public producer cannot come between it and its methods.
 */
export function producerCore(
  host: ProducerHost,
  producerId: string,
  settings: ProducerSettings,
  knownContentType: string | undefined,
) {
  const { url, context } = host;
  const codec = context.json;
  const seq = epochSequencer(settings.epoch);
  /** Sealed batches not on the wire, in creation order. */
  const queue: Batch[] = [];
  const inFlight = new Set<Batch>();
  const listeners = producerListeners(producerId);
  const { changed } = listeners;
  let lastOffset: string | undefined;
  let lastError: DurableStreamError | undefined;
  let bufferedMessages = 0;
  let bufferedBytes = 0;
  /** Set by detach() and close(): no more appends. */
  let closing: "detached" | "closed" | undefined;
  let stopReason: DurableStreamError | undefined;
  let contentType: string | undefined;
  let json: boolean | undefined;
  let typeRequest: Promise<void> | undefined;
  let closeResult: Promise<{ finalOffset: string }> | undefined;

  const dispatchWindow = inFlightWindow(settings.maxInFlight);
  const canDispatch = () => inFlight.size < dispatchWindow.size && seq.mayDispatch(inFlight.size);

  const accumulator = batchAccumulator(
    settings,
    (batches) => {
      for (const batch of batches) enqueue(queue, batch);
      pump();
    },
    // A blocked producer fails what is sealed at once, so it need not linger.
    () => !stopReason && queue.length === 0 && (seq.blocked !== undefined || canDispatch()),
  );

  const setContentType = (type: string) => {
    contentType = type;
    json = isJsonContentType(type);
  };
  if (knownContentType !== undefined) setContentType(knownContentType);

  const assertAlive = () => {
    if (stopReason) {
      throw stopReason instanceof ProducerClosedError
        ? stopReason
        : new ProducerClosedError(url, "stopped", stopReason);
    }
  };

  /**
   * Seals what is pending and waits for every sealed batch (queued or on the
   * wire, or failed at once while being sealed) to settle.
   */
  const settleSealed = () => {
    const sealed = new Set([...accumulator.seal(), ...queue, ...inFlight]);
    return Promise.allSettled([...sealed].map((batch) => batch.settled));
  };

  /** Dispatches queued batches while the epoch gate and `maxInFlight` allow. */
  const pump = (): void => {
    if (stopReason) return;
    if (json === undefined) {
      if (queue.length > 0) {
        void ensureContentType().then(pump, () => undefined);
      }
      return;
    }
    const { blocked } = seq;
    if (blocked) {
      // Past a batch that may have been stored, nothing is sent until restart().
      for (const batch of queue.splice(0)) {
        fail(batch, throughGap(url, blocked.seq, undefined, blocked.error));
      }
      return;
    }
    while (queue.length > 0 && canDispatch()) {
      const batch = queue.shift()!;
      if (!prepare(batch, json)) continue;
      seq.assign(batch);
      if (retryStop) batch.delivery.stopRetrying(retryStop, context.retry.maxRetries);
      inFlight.add(batch);
      void run(batch).catch((error: unknown) => fail(batch, error));
      changed();
    }
  };

  /** Builds the body once; a message that cannot be encoded fails its batch before it takes a sequence. */
  const prepare = (batch: Batch, json: boolean): boolean => {
    try {
      bufferedBytes += batch.encode(json, codec);
      return true;
    } catch (error) {
      fail(batch, error);
      return false;
    }
  };

  const ensureContentType = (): Promise<void> => {
    if (json !== undefined) return Promise.resolve();
    return (typeRequest ??= host.contentType().then(setContentType, (error: unknown) => {
      const failure = asProducerError(error, url);
      halt(failure);
      throw failure;
    }));
  };

  const request = () => ({ context, url, producerId, contentType, headers: settings.headers });
  /** A batch's request, retried until its delivery deadline with the same epoch and sequence. */
  const send = (batch: Batch) =>
    sendProducerRequest(request(), {
      epoch: batch.epoch,
      seq: batch.seq,
      body: batch.body,
      delivery: batch.delivery.request(context),
    });

  /** Set by detach() and close(): batches get the client's retry budget, no more (see BatchDelivery.stopRetrying). */
  let retryStop: StopReason | undefined;
  const stopRetries = (reason: "detached" | "closed") => {
    retryStop ??= (lastFailure) => new ProducerClosedError(url, reason, lastFailure);
    for (const batch of inFlight) batch.delivery.stopRetrying(retryStop, context.retry.maxRetries);
  };

  /** Whether `error` is a fencing this producer answers by claiming a new epoch. */
  const claims = (error: DurableStreamError): error is StaleEpochError =>
    error instanceof StaleEpochError && settings.autoClaim;

  /**
   * Sends one batch until it is acknowledged, requeued for a new epoch, or
   * failed (a failure to reach the server rejects, and pump() fails the batch).
   * A batch failed meanwhile (behind a gap) is left alone.
   */
  const run = async (batch: Batch): Promise<void> => {
    let arrivedEarly = false;
    for (;;) {
      const outcome = await send(batch);
      if (batch.outcome !== "pending") return;
      if (outcome.kind === "ok") {
        if (outcome.offset !== undefined && !outcome.duplicate) advanceOffset(outcome.offset);
        dispatchWindow.acknowledged(!arrivedEarly);
        seq.acknowledged(batch);
        settle(batch);
        batch.succeed();
        return;
      }
      if (outcome.kind === "early") {
        if (!arrivedEarly) dispatchWindow.early();
        arrivedEarly = true;
        const { expectedSeq, receivedSeq } = outcome;
        const next = await seq.awaitPredecessor(batch, url, expectedSeq, receivedSeq);
        if (batch.outcome !== "pending") return;
        if (next === "resend") continue;
        if (next === "requeue") requeue(batch, new StaleEpochError(url, seq.epoch));
        else fail(batch, next);
        return;
      }
      const { error } = outcome;
      if (claims(error)) {
        // Claim the server's epoch + 1; the new epoch's first batch waits
        // for the wire to empty, and the others wait for it.
        if (batch.epoch === seq.epoch) seq.claim(error.currentEpoch);
        requeue(batch, error);
      } else if (error instanceof StaleEpochError || error instanceof StreamClosedError) {
        // Fenced, or the stream is closed: nothing after this can succeed.
        halt(error, batch);
      } else {
        fail(batch, error);
      }
      return;
    }
  };

  /**
   * Flushes, then sends the close (`sendClose`). A refusal stops the producer;
   * a failure to reach the server does not (the close may be tried again as it was).
   */
  const closeStream = async (
    finalMessage: ProducerMessage | undefined,
  ): Promise<{ finalOffset: string }> => {
    await self.flush();
    assertAlive();
    const { blocked } = seq;
    if (blocked) throw throughGap(url, blocked.seq, seq.nextSeq, blocked.error);
    await ensureContentType();
    const body =
      finalMessage === undefined
        ? undefined
        : batchBody([encodeMessage(finalMessage, json!, codec)], json!);
    const outcome = await sendClose(request(), seq, body, settings.autoClaim);
    if (outcome.kind === "refused") {
      stop(outcome.error);
      throw outcome.error;
    }
    const { offset } = outcome;
    if (offset !== undefined) advanceOffset(offset);
    stop(new ProducerClosedError(url, "closed"));
    return { finalOffset: offset ?? lastOffset ?? "" };
  };

  /**
   * Back to the queue, in its original place, to be resent in the new epoch;
   * unless it may have been stored in the old one (`why`: its epoch ended):
   * resent under another epoch it could be stored twice, so it fails instead.
   */
  const requeue = (batch: Batch, why: DurableStreamError) => {
    if (batch.delivery.mayHaveLanded) {
      fail(batch, why);
      return;
    }
    inFlight.delete(batch);
    seq.released(batch);
    enqueue(queue, batch);
    pump();
  };

  /** Bookkeeping once a batch left the wire for good. */
  const settle = (batch: Batch) => {
    inFlight.delete(batch);
    bufferedMessages -= batch.messages.length;
    bufferedBytes -= batch.bytes;
    if (!stopReason) seq.left(inFlight.size);
    changed();
    queueMicrotask(() => {
      pump();
      accumulator.release();
    });
  };

  /**
   * A batch failed for good: report it once, saying whether the server may
   * hold it, and decide what that means for the batches after it
   * (`afterFailure` in producer-sequencer.ts).
   */
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
    if (!outcomeUnknown && !behindGap) failBehindGap(batch, failure);
  };

  /**
   * The server certainly lacks `hole`, so no later sequence of its epoch can
   * be stored: the batches behind it on the wire fail now, through the gap,
   * rather than retrying until their deadline.
   */
  const failBehindGap = (hole: Batch, failure: DurableStreamError) => {
    for (const batch of seq.pendingAfter(hole)) {
      const gap = throughGap(url, hole.seq, batch.seq, failure);
      fail(batch, gap);
      batch.delivery.cancel(gap);
    }
  };

  /** A fatal condition (fenced, stream closed): fail the batch that met it and everything not yet sent, and stop. */
  const halt = (reason: DurableStreamError, batch?: Batch) => {
    stop(reason);
    if (batch) fail(batch, reason);
    accumulator.seal();
    for (const queued of queue.splice(0)) fail(queued, reason);
  };

  const stop = (reason: DurableStreamError) => {
    stopReason ??= reason;
    accumulator.cancelTimer();
    changed();
  };

  const advanceOffset = (offset: string) => {
    if (lastOffset === undefined || compareOffsets(offset, lastOffset) > 0) lastOffset = offset;
  };

  const self = {
    get epoch() {
      return seq.epoch;
    },
    get nextSeq() {
      return seq.nextSeq;
    },
    get pendingCount() {
      return accumulator.count + queue.reduce((sum, batch) => sum + batch.messages.length, 0);
    },
    get inFlightCount() {
      return inFlight.size;
    },
    get lastOffset() {
      return lastOffset;
    },
    get lastError() {
      return lastError;
    },
    get stopped() {
      return stopReason !== undefined;
    },
    on: listeners.on,
    off: listeners.off,
    append(message: ProducerMessage): void {
      if (!self.tryAppend(message)) {
        throw new ProducerBufferFullError(url, bufferedMessages, bufferedBytes);
      }
    },
    tryAppend(message: ProducerMessage): boolean {
      if (closing) throw new ProducerClosedError(url, closing);
      assertAlive();
      const bytes = json === undefined ? undefined : encodeMessage(message, json, codec);
      const size = bytes?.length ?? estimateSize(message, codec);
      if (
        bufferedMessages + 1 > settings.maxBufferedMessages ||
        bufferedBytes + size > settings.maxBufferedBytes
      ) {
        // Nothing more can join the open batch until acknowledgements free the
        // buffer, so waiting out its linger would only delay them.
        accumulator.expire();
        return false;
      }
      bufferedMessages++;
      bufferedBytes += size;
      accumulator.add({ bytes, raw: message, size });
      changed();
      return true;
    },
    async flush(): Promise<void> {
      const failure = (await settleSealed()).find((result) => result.status === "rejected");
      if (failure) throw (failure as PromiseRejectedResult).reason;
    },
    async restart(): Promise<void> {
      // Failures reach the listeners; the new epoch starts regardless (it ends a block).
      await settleSealed();
      assertAlive();
      seq.unblock();
      // Batches appended meanwhile may still be on the wire in the old epoch; the
      // new epoch's first batch waits for them (EpochSequencer.mayDispatch).
      seq.start(seq.epoch + 1);
      changed();
    },
    async detach(): Promise<void> {
      if (stopReason) return;
      closing ??= "detached";
      accumulator.seal();
      stopRetries("detached");
      await closeResult?.catch(() => undefined);
      await settleSealed();
      stop(new ProducerClosedError(url, "detached"));
    },
    close(finalMessage?: ProducerMessage): Promise<{ finalOffset: string }> {
      if (!stopReason) closing = "closed";
      stopRetries("closed");
      return (closeResult ??= closeStream(finalMessage).catch((error: unknown) => {
        // A failed close may be tried again; the same (epoch, seq) makes a repeat safe.
        closeResult = undefined;
        throw error;
      }));
    },
  };
  return self;
}
