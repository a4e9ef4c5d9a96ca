import { isJsonContentType } from "./content-type.js";
import { DurableStreamError, ProducerBufferFullError, ProducerClosedError } from "./errors.js";
import { compareOffsets } from "./offset.js";
import {
  Batch,
  BatchAccumulator,
  batchBody,
  encodeMessage,
  estimateSize,
  type ProducerMessage,
} from "./producer-batch.js";
import {
  ProducerEvents,
  type ProducerChangeListener,
  type ProducerErrorInfo,
  type ProducerErrorListener,
} from "./producer-events.js";
import {
  resolveProducerSettings,
  type ProducerHost,
  type ProducerOptions,
  type ProducerSettings,
} from "./producer-options.js";
import {
  asProducerError,
  claimedEpoch,
  sendProducerClose,
  sendProducerRequest,
  type ProducerOutcome,
} from "./producer-send.js";
import { EpochSequencer } from "./producer-sequencer.js";

export type { ProducerChangeListener, ProducerErrorInfo, ProducerErrorListener, ProducerHost };

/**
 * Exactly-once appends (PROTOCOL.md §5.2.1): fire-and-forget, batched by size
 * and linger time, pipelined up to `maxInFlight`, retried safely because the
 * server deduplicates on (producer id, epoch, sequence).
 */
export class IdempotentProducer {
  private readonly settings: ProducerSettings;
  private readonly seq: EpochSequencer;
  private lastOffsetValue: string | undefined;
  private readonly accumulator: BatchAccumulator;
  /** Sealed batches not on the wire, in creation order. */
  private readonly queue: Batch[] = [];
  private readonly inFlight = new Set<Batch>();
  private readonly unacked = new Set<Batch>();
  private bufferedMessages = 0;
  private bufferedBytes = 0;
  /** Set by detach() and close(): no more appends. */
  private closing: "detached" | "closed" | undefined;
  private stopReason: DurableStreamError | undefined;
  private contentType: string | undefined;
  private json: boolean | undefined;
  private typeRequest: Promise<void> | undefined;
  private closeResult: Promise<{ finalOffset: string }> | undefined;
  private readonly events: ProducerEvents;

  /** @internal Use `stream.producer(id, options)`. */
  constructor(
    private readonly host: ProducerHost,
    /** The producer id sent as `Producer-Id`. */
    readonly id: string,
    options: ProducerOptions = {},
    knownContentType?: string,
  ) {
    this.settings = resolveProducerSettings(id, options);
    this.events = new ProducerEvents(id);
    this.seq = new EpochSequencer(this.settings.epoch);
    this.accumulator = new BatchAccumulator(
      this.settings.maxBatchBytes,
      this.settings.maxBatchItems,
      this.settings.lingerMs,
      (batches) => {
        for (const batch of batches) {
          this.unacked.add(batch);
          this.enqueue(batch);
        }
        this.pump();
      },
      () =>
        !this.stopReason &&
        this.queue.length === 0 &&
        this.inFlight.size < this.settings.maxInFlight &&
        this.seq.mayDispatch(this.inFlight.size),
    );
    if (knownContentType !== undefined) this.setContentType(knownContentType);
  }

  /** The current epoch. */
  get epoch(): number {
    return this.seq.epoch;
  }
  /** The sequence number the next batch will carry. */
  get nextSeq(): number {
    return this.seq.nextSeq;
  }
  /** Messages appended but not yet sent. */
  get pendingCount(): number {
    return (
      this.accumulator.count + this.queue.reduce((sum, batch) => sum + batch.messages.length, 0)
    );
  }
  /** Batches on the wire. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }
  /** The highest offset the server acknowledged for this producer's data. */
  get lastOffset(): string | undefined {
    return this.lastOffsetValue;
  }

  /**
   * `"error"`: every batch failure, once per batch. `"change"`: the counters
   * (`pendingCount`, `inFlightCount`, `lastOffset`, `epoch`) or the stopped
   * state changed; called synchronously, so throttle any rendering.
   * Returns the unsubscribe function.
   */
  on(event: "error", listener: ProducerErrorListener): () => void;
  on(event: "change", listener: ProducerChangeListener): () => void;
  on(
    event: "error" | "change",
    listener: ProducerErrorListener | ProducerChangeListener,
  ): () => void {
    return this.events.add(event, listener);
  }

  /** Removes a listener added with {@link on}. */
  off(event: "error" | "change", listener: ProducerErrorListener | ProducerChangeListener): void {
    this.events.remove(event, listener);
  }

  /** Whether the producer stopped (detached, closed, fenced, or its stream closed). */
  get stopped(): boolean {
    return this.stopReason !== undefined;
  }

  /**
   * Queues a message (text, bytes, or for JSON streams any JSON value; bytes
   * on a JSON stream are one message already serialised). Throws
   * {@link ProducerBufferFullError} rather than buffering past the limits, and
   * {@link ProducerClosedError} after `detach()`, `close()` or fencing.
   */
  append(message: ProducerMessage): void {
    if (!this.tryAppend(message)) {
      throw new ProducerBufferFullError(this.host.url, this.bufferedMessages, this.bufferedBytes);
    }
  }

  /** Like {@link append}, but returns false instead of exceeding the buffer limits. */
  tryAppend(message: ProducerMessage): boolean {
    if (this.closing) throw new ProducerClosedError(this.host.url, this.closing);
    this.assertAlive();
    const codec = this.host.context.json;
    const bytes = this.json === undefined ? undefined : encodeMessage(message, this.json, codec);
    const size = bytes?.length ?? estimateSize(message, codec);
    if (
      this.bufferedMessages + 1 > this.settings.maxBufferedMessages ||
      this.bufferedBytes + size > this.settings.maxBufferedBytes
    ) {
      return false;
    }
    this.bufferedMessages++;
    this.bufferedBytes += size;
    this.accumulator.add({ bytes, raw: message, size });
    this.events.changed();
    return true;
  }

  /**
   * Sends what is pending and resolves once everything appended before the
   * call is acknowledged; rejects with the first failure among them (every
   * failure also reaches the error listeners).
   */
  async flush(): Promise<void> {
    this.accumulator.seal();
    const results = await Promise.allSettled([...this.unacked].map((batch) => batch.settled));
    const failure = results.find((result) => result.status === "rejected");
    if (failure) throw (failure as PromiseRejectedResult).reason;
  }

  /** Flushes, then starts a new epoch at sequence 0 (a new producer session). */
  async restart(): Promise<void> {
    await this.flush();
    this.assertAlive();
    // Batches appended meanwhile may still be on the wire in the old epoch; the
    // new epoch's first batch waits for them (EpochSequencer.mayDispatch).
    this.seq.start(this.seq.epoch + 1);
  }

  /** Sends what is pending, waits for it, and stops. The stream stays open. */
  async detach(): Promise<void> {
    if (this.stopReason) return;
    this.closing ??= "detached";
    this.accumulator.seal();
    await this.closeResult?.catch(() => undefined);
    await Promise.allSettled([...this.unacked].map((batch) => batch.settled));
    this.stop(new ProducerClosedError(this.host.url, "detached"));
  }

  /**
   * Flushes, then closes the stream for every reader and writer, optionally
   * with a final message. Idempotent, and safe to retry: the close carries
   * the producer headers, so the server deduplicates it.
   */
  close(finalMessage?: ProducerMessage): Promise<{ finalOffset: string }> {
    if (!this.stopReason) this.closing = "closed";
    this.closeResult ??= this.closeStream(finalMessage).catch((error: unknown) => {
      // A failed close may be tried again; the same (epoch, seq) makes a repeat safe.
      this.closeResult = undefined;
      throw error;
    });
    return this.closeResult;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.detach();
  }

  private async closeStream(
    finalMessage: ProducerMessage | undefined,
  ): Promise<{ finalOffset: string }> {
    await this.flush();
    this.assertAlive();
    await this.ensureContentType();
    const json = this.json!;
    const body =
      finalMessage === undefined
        ? undefined
        : batchBody([encodeMessage(finalMessage, json, this.host.context.json)], json);
    const result = await sendProducerClose(this.request(body), this.seq, this.settings.autoClaim);
    if ("error" in result) {
      this.stop(result.error);
      throw result.error;
    }
    if (result.offset !== undefined) this.advanceOffset(result.offset);
    this.stop(new ProducerClosedError(this.host.url, "closed"));
    return { finalOffset: result.offset ?? this.lastOffsetValue ?? "" };
  }

  private assertAlive(): void {
    if (this.stopReason) {
      throw this.stopReason instanceof ProducerClosedError
        ? this.stopReason
        : new ProducerClosedError(this.host.url, "stopped", this.stopReason);
    }
  }

  private setContentType(contentType: string): void {
    this.contentType = contentType;
    this.json = isJsonContentType(contentType);
  }

  private enqueue(batch: Batch): void {
    let index = this.queue.length;
    while (index > 0 && this.queue[index - 1]!.order > batch.order) index--;
    this.queue.splice(index, 0, batch);
  }

  /** Dispatches queued batches while the epoch gate and `maxInFlight` allow. */
  private pump(): void {
    if (this.stopReason) return;
    if (this.json === undefined) {
      if (this.queue.length > 0) {
        void this.ensureContentType().then(
          () => this.pump(),
          () => undefined,
        );
      }
      return;
    }
    while (
      this.queue.length > 0 &&
      this.inFlight.size < this.settings.maxInFlight &&
      this.seq.mayDispatch(this.inFlight.size)
    ) {
      const batch = this.queue.shift()!;
      if (!this.prepare(batch)) continue;
      this.seq.assign(batch);
      this.inFlight.add(batch);
      void this.run(batch).catch((error: unknown) => this.fail(batch, error));
      this.events.changed();
    }
  }

  /** Builds the body once; a message that cannot be encoded fails its batch before it takes a sequence. */
  private prepare(batch: Batch): boolean {
    if (batch.body) return true;
    try {
      for (const message of batch.messages) {
        if (message.bytes !== undefined) continue;
        message.bytes = encodeMessage(message.raw, this.json!, this.host.context.json);
        this.bufferedBytes += message.bytes.length - message.size;
        message.size = message.bytes.length;
      }
      batch.body = batchBody(
        batch.messages.map((message) => message.bytes!),
        this.json!,
      );
      return true;
    } catch (error) {
      this.fail(batch, error);
      return false;
    }
  }

  private ensureContentType(): Promise<void> {
    if (this.json !== undefined) return Promise.resolve();
    this.typeRequest ??= this.host.contentType().then(
      (contentType) => this.setContentType(contentType),
      (error: unknown) => {
        const failure = asProducerError(error, this.host.url);
        this.halt(failure);
        throw failure;
      },
    );
    return this.typeRequest;
  }

  /** Sends one batch until it is acknowledged, requeued for a new epoch, or failed. */
  private async run(batch: Batch): Promise<void> {
    for (;;) {
      let outcome: ProducerOutcome;
      try {
        const { epoch, seq } = batch;
        outcome = await sendProducerRequest({
          ...this.request(batch.body),
          epoch,
          seq,
          close: false,
        });
      } catch (error) {
        this.fail(batch, error);
        return;
      }
      switch (outcome.kind) {
        case "ok":
          if (outcome.offset !== undefined && !outcome.duplicate) {
            this.advanceOffset(outcome.offset);
          }
          this.seq.acknowledged(batch);
          this.settle(batch);
          batch.succeed();
          return;
        case "early": {
          const { expectedSeq, receivedSeq } = outcome;
          const url = this.host.url;
          const next = await this.seq.awaitPredecessor(batch, url, expectedSeq, receivedSeq);
          if (next === "resend") continue;
          if (next === "requeue") this.requeue(batch);
          else this.fail(batch, next);
          return;
        }
        case "stale":
          if (!this.settings.autoClaim) {
            this.halt(outcome.error, batch);
          } else {
            // Claim the server's epoch + 1; the new epoch's first batch waits
            // for the wire to empty, and the others wait for it.
            if (batch.epoch === this.seq.epoch) {
              this.seq.start(claimedEpoch(outcome.currentEpoch, batch.epoch));
            }
            this.requeue(batch);
          }
          return;
        case "closed":
          this.halt(outcome.error, batch);
          return;
        case "gap":
        case "rejected":
          this.fail(batch, outcome.error);
          return;
      }
    }
  }

  private request(body: Uint8Array | undefined) {
    return {
      context: this.host.context,
      url: this.host.url,
      producerId: this.id,
      contentType: this.contentType,
      body,
      headers: this.settings.headers,
      signal: undefined,
    };
  }

  /** Back to the queue, in its original place, to be resent in the new epoch. */
  private requeue(batch: Batch): void {
    this.inFlight.delete(batch);
    this.seq.released(batch);
    this.enqueue(batch);
    this.pump();
  }

  /** Bookkeeping once a batch left the wire for good. */
  private settle(batch: Batch): void {
    this.inFlight.delete(batch);
    this.unacked.delete(batch);
    this.bufferedMessages -= batch.messages.length;
    this.bufferedBytes -= batch.bytes;
    if (!this.stopReason) this.seq.left(this.inFlight.size);
    this.events.changed();
    queueMicrotask(() => {
      this.pump();
      this.accumulator.release();
    });
  }

  /** A batch failed for good: report it once; batches behind it on the wire fail through the gap. */
  private fail(batch: Batch, error: unknown): void {
    if (batch.outcome !== "pending") return;
    const failure = asProducerError(error, this.host.url);
    this.seq.failed(batch);
    const info: ProducerErrorInfo = {
      epoch: batch.seq >= 0 ? batch.epoch : this.seq.epoch,
      seq: batch.seq,
      messageCount: batch.messages.length,
    };
    this.settle(batch);
    batch.fail(failure);
    this.events.error(failure, info);
  }

  /** A fatal condition (fenced, stream closed): fail the batch that met it and everything not yet sent, and stop. */
  private halt(reason: DurableStreamError, batch?: Batch): void {
    this.stop(reason);
    if (batch) this.fail(batch, reason);
    this.accumulator.seal();
    for (const queued of this.queue.splice(0)) this.fail(queued, reason);
  }

  private stop(reason: DurableStreamError): void {
    this.stopReason ??= reason;
    this.accumulator.cancelTimer();
    this.events.changed();
  }

  private advanceOffset(offset: string): void {
    if (this.lastOffsetValue === undefined || compareOffsets(offset, this.lastOffsetValue) > 0) {
      this.lastOffsetValue = offset;
    }
  }
}
