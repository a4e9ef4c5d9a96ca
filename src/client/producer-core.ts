import { isJsonContentType } from "./content-type.js";
import {
  DurableStreamError,
  ProducerBufferFullError,
  ProducerClosedError,
  SequenceGapError,
  StaleEpochError,
  StreamClosedError,
} from "./errors.js";
import { compareOffsets } from "./offset.js";
import {
  batchAccumulator,
  batchBody,
  encodeMessage,
  estimateSize,
  type Batch,
  type ProducerMessage,
} from "./producer-batch.js";
import type {
  ProducerChangeListener,
  ProducerErrorInfo,
  ProducerErrorListener,
  ProducerHost,
  ProducerListener,
  ProducerSettings,
} from "./producer-options.js";
import { asProducerError, sendProducerRequest } from "./producer-send.js";
import { EARLY_RETRY_MS, MAX_EARLY_RETRIES, epochSequencer } from "./producer-sequencer.js";
import { inFlightWindow } from "./producer-window.js";
import { sleep } from "./retry.js";

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
  const errorListeners = new Set<ProducerErrorListener>();
  const changeListeners = new Set<ProducerChangeListener>();
  let lastOffset: string | undefined;
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
      for (const batch of batches) enqueue(batch);
      pump();
    },
    () => !stopReason && queue.length === 0 && canDispatch(),
  );

  const setContentType = (type: string) => {
    contentType = type;
    json = isJsonContentType(type);
  };
  if (knownContentType !== undefined) setContentType(knownContentType);

  /** Calls a listener; one that throws is logged, never allowed to break the producer or starve the others. */
  const notify = (listener: () => void) => {
    try {
      listener();
    } catch (error) {
      console.error(`[react-durable-streams] producer ${producerId}: listener threw`, error);
    }
  };

  const changed = () => {
    for (const listener of [...changeListeners]) notify(listener);
  };

  const listeners = (event: string): Set<ProducerListener> => {
    if (event === "error") return errorListeners as Set<ProducerListener>;
    if (event === "change") return changeListeners as Set<ProducerListener>;
    throw new DurableStreamError("INVALID_ARGUMENT", `Unknown producer event ${event}`);
  };

  const assertAlive = () => {
    if (stopReason) {
      throw stopReason instanceof ProducerClosedError
        ? stopReason
        : new ProducerClosedError(url, "stopped", stopReason);
    }
  };

  /** Seals what is pending and waits for every sealed batch (queued or on the wire) to settle. */
  const settleSealed = () => {
    accumulator.seal();
    return Promise.allSettled([...queue, ...inFlight].map((batch) => batch.settled));
  };

  /** Into the queue in creation order, so a requeued batch gets its original place back. */
  const enqueue = (batch: Batch) => {
    let index = queue.length;
    while (index > 0 && queue[index - 1]!.order > batch.order) index--;
    queue.splice(index, 0, batch);
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
    while (queue.length > 0 && canDispatch()) {
      const batch = queue.shift()!;
      if (!prepare(batch, json)) continue;
      seq.assign(batch);
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

  const send = (epoch: number, sequence: number, body?: Uint8Array, close?: boolean) =>
    sendProducerRequest(
      { context, url, producerId, contentType, headers: settings.headers },
      epoch,
      sequence,
      body,
      close,
    );

  /** Whether `error` is a fencing this producer answers by claiming a new epoch. */
  const claims = (error: DurableStreamError): error is StaleEpochError =>
    error instanceof StaleEpochError && settings.autoClaim;

  /**
   * Sends one batch until it is acknowledged, requeued for a new epoch, or
   * failed (a failure to reach the server rejects, and pump() fails the batch).
   */
  const run = async (batch: Batch): Promise<void> => {
    let arrivedEarly = false;
    for (;;) {
      const outcome = await send(batch.epoch, batch.seq, batch.body);
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
        if (next === "resend") continue;
        if (next === "requeue") requeue(batch);
        else fail(batch, next);
        return;
      }
      const { error } = outcome;
      if (claims(error)) {
        // Claim the server's epoch + 1; the new epoch's first batch waits
        // for the wire to empty, and the others wait for it.
        if (batch.epoch === seq.epoch) seq.claim(error.currentEpoch);
        requeue(batch);
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
   * Sends the close at the next (epoch, sequence): a repeat is deduplicated,
   * so it is retry-safe. With autoClaim a stale epoch is claimed anew. A
   * refusal stops the producer; a failure to reach the server does not (the
   * close may then be tried again as it was).
   */
  const closeStream = async (
    finalMessage: ProducerMessage | undefined,
  ): Promise<{ finalOffset: string }> => {
    await self.flush();
    assertAlive();
    await ensureContentType();
    const body =
      finalMessage === undefined
        ? undefined
        : batchBody([encodeMessage(finalMessage, json!, codec)], json!);
    for (let attempt = 0; ; attempt++) {
      const next = seq.nextSeq;
      const outcome = await send(seq.epoch, next, body, true);
      if (outcome.kind === "ok") {
        seq.nextSeq = next + 1;
        const { offset } = outcome;
        if (offset !== undefined) advanceOffset(offset);
        stop(new ProducerClosedError(url, "closed"));
        return { finalOffset: offset ?? lastOffset ?? "" };
      }
      let refusal: DurableStreamError | undefined;
      if (outcome.kind === "early") {
        if (attempt < MAX_EARLY_RETRIES) await sleep(EARLY_RETRY_MS);
        else refusal = new SequenceGapError(url, outcome.expectedSeq, outcome.receivedSeq);
      } else if (claims(outcome.error) && attempt < 3) {
        seq.claim(outcome.error.currentEpoch);
      } else {
        refusal = outcome.error;
      }
      if (refusal) {
        stop(refusal);
        throw refusal;
      }
    }
  };

  /** Back to the queue, in its original place, to be resent in the new epoch. */
  const requeue = (batch: Batch) => {
    inFlight.delete(batch);
    seq.released(batch);
    enqueue(batch);
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

  /** A batch failed for good: report it once; batches behind it on the wire fail through the gap. */
  const fail = (batch: Batch, error: unknown) => {
    if (batch.outcome !== "pending") return;
    const failure = asProducerError(error, url);
    seq.failed(batch);
    const info: ProducerErrorInfo = {
      epoch: batch.seq >= 0 ? batch.epoch : seq.epoch,
      seq: batch.seq,
      messageCount: batch.messages.length,
    };
    settle(batch);
    batch.fail(failure);
    if (errorListeners.size === 0) {
      // A failure nobody listens to is logged, not lost.
      console.error(`[react-durable-streams] producer ${producerId}: batch failed`, info, failure);
    }
    for (const listener of [...errorListeners]) notify(() => listener(failure, info));
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
    get stopped() {
      return stopReason !== undefined;
    },
    on(event: "error" | "change", listener: ProducerListener): () => void {
      const set = listeners(event);
      set.add(listener);
      return () => set.delete(listener);
    },
    off(event: "error" | "change", listener: ProducerListener): void {
      listeners(event).delete(listener);
    },
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
      await self.flush();
      assertAlive();
      // Batches appended meanwhile may still be on the wire in the old epoch; the
      // new epoch's first batch waits for them (EpochSequencer.mayDispatch).
      seq.start(seq.epoch + 1);
    },
    async detach(): Promise<void> {
      if (stopReason) return;
      closing ??= "detached";
      accumulator.seal();
      await closeResult?.catch(() => undefined);
      await settleSealed();
      stop(new ProducerClosedError(url, "detached"));
    },
    close(finalMessage?: ProducerMessage): Promise<{ finalOffset: string }> {
      if (!stopReason) closing = "closed";
      return (closeResult ??= closeStream(finalMessage).catch((error: unknown) => {
        // A failed close may be tried again; the same (epoch, seq) makes a repeat safe.
        closeResult = undefined;
        throw error;
      }));
    },
  };
  return self;
}
