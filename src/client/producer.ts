import type { ClientContext } from "./context.js";
import { isJsonContentType } from "./content-type.js";
import { DurableStreamError, ProducerBufferFullError, ProducerClosedError } from "./errors.js";
import { compareOffsets } from "./offset.js";
import {
  Batch,
  batchBody,
  encodeMessage,
  type PendingMessage,
  type ProducerMessage,
} from "./producer-batch.js";
import { resolveProducerSettings, type ProducerOptions, type ProducerSettings } from "./producer-options.js";
import { sendProducerRequest, type ProducerOutcome } from "./producer-send.js";
import { sleep } from "./retry.js";

/** Which batch an error concerns. */
export interface ProducerErrorInfo {
  readonly epoch: number;
  readonly seq: number;
  readonly messageCount: number;
}

/** Receives every batch failure, once per batch. */
export type ProducerErrorListener = (error: DurableStreamError, batch: ProducerErrorInfo) => void;

/** What the producer needs from its stream handle. Internal. */
export interface ProducerHost {
  readonly context: ClientContext;
  readonly url: string;
  /** The stream's content type, learned with a HEAD if not known yet. */
  contentType(): Promise<string>;
}

/** How long an out-of-order batch waits for its predecessor before asking again. */
const EARLY_RETRY_MS = 10;
const MAX_EARLY_RETRIES = 500;

/**
 * Exactly-once appends (PROTOCOL.md §5.2.1): fire-and-forget, batched by size
 * and linger time, pipelined up to `maxInFlight`, retried safely because the
 * server deduplicates on (producer id, epoch, sequence).
 */
export class IdempotentProducer {
  private readonly settings: ProducerSettings;
  private epochValue: number;
  private nextSeqValue = 0;
  private lastOffsetValue: string | undefined;
  private pending: PendingMessage[] = [];
  private pendingBytes = 0;
  private lingerTimer: ReturnType<typeof setTimeout> | undefined;
  private microtaskScheduled = false;
  private readonly queue: Batch[] = [];
  private readonly inFlight = new Set<Batch>();
  private readonly unacked = new Set<Batch>();
  private readonly bySeq = new Map<number, Batch>();
  private bufferedMessages = 0;
  private bufferedBytes = 0;
  private order = 0;
  /** `claiming`: one batch alone establishes a new epoch; `draining`: wait for the wire to empty. */
  private gate: "open" | "claiming" | "draining" = "open";
  private claimBatch: Batch | undefined;
  private stopReason: DurableStreamError | undefined;
  private contentType: string | undefined;
  private json: boolean | undefined;
  private typeRequest: Promise<void> | undefined;
  private closeResult: Promise<{ finalOffset: string }> | undefined;
  private readonly listeners = new Set<ProducerErrorListener>();
  private readonly controller = new AbortController();

  /** @internal Use `stream.producer(id, options)`. */
  constructor(
    private readonly host: ProducerHost,
    /** The producer id sent as `Producer-Id`. */
    readonly id: string,
    options: ProducerOptions = {},
    knownContentType?: string,
  ) {
    this.settings = resolveProducerSettings(id, options);
    this.epochValue = this.settings.epoch;
    if (knownContentType !== undefined) this.setContentType(knownContentType);
  }

  /** The current epoch. */
  get epoch(): number {
    return this.epochValue;
  }
  /** The sequence number the next batch will carry. */
  get nextSeq(): number {
    return this.nextSeqValue;
  }
  /** Messages appended but not yet sent. */
  get pendingCount(): number {
    return this.pending.length + this.queue.reduce((sum, batch) => sum + batch.messages.length, 0);
  }
  /** Batches on the wire. */
  get inFlightCount(): number {
    return this.inFlight.size;
  }
  /** The highest offset the server acknowledged for this producer's data. */
  get lastOffset(): string | undefined {
    return this.lastOffsetValue;
  }

  /** Subscribes to batch failures; returns the unsubscribe function. */
  on(event: "error", listener: ProducerErrorListener): () => void {
    if (event !== "error") throw new DurableStreamError("INVALID_ARGUMENT", `Unknown event ${String(event)}`);
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Removes a listener added with {@link on}. */
  off(event: "error", listener: ProducerErrorListener): void {
    if (event === "error") this.listeners.delete(listener);
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
    this.assertOpen();
    const bytes = this.json === undefined ? undefined : encodeMessage(message, this.json, this.host.context.json);
    const size = bytes?.length ?? estimateSize(message);
    if (
      this.bufferedMessages + 1 > this.settings.maxBufferedMessages ||
      this.bufferedBytes + size > this.settings.maxBufferedBytes
    ) {
      return false;
    }
    this.pending.push({ bytes, raw: message, size });
    this.pendingBytes += size;
    this.bufferedMessages++;
    this.bufferedBytes += size;
    this.scheduleSeal();
    return true;
  }

  /**
   * Sends what is pending and resolves once everything appended before the
   * call is acknowledged; rejects with the first failure among them (every
   * failure also reaches the error listeners).
   */
  async flush(): Promise<void> {
    this.sealPending();
    const results = await Promise.allSettled([...this.unacked].map((batch) => batch.settled));
    const failure = results.find((result) => result.status === "rejected");
    if (failure) throw (failure as PromiseRejectedResult).reason;
  }

  /** Flushes, then starts a new epoch at sequence 0 (a new producer session). */
  async restart(): Promise<void> {
    await this.flush();
    this.assertOpen();
    this.startEpoch(this.epochValue + 1);
  }

  /** Sends what is pending, waits for it, and stops. The stream stays open. */
  async detach(): Promise<void> {
    if (this.stopReason) return;
    this.sealPending();
    await Promise.allSettled([...this.unacked].map((batch) => batch.settled));
    this.stop(new ProducerClosedError(this.host.url, "detached"));
  }

  /**
   * Flushes, then closes the stream for every reader and writer, optionally
   * with a final message. Idempotent, and safe to retry: the close carries
   * the producer headers, so the server deduplicates it.
   */
  close(finalMessage?: ProducerMessage): Promise<{ finalOffset: string }> {
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

  private async closeStream(finalMessage: ProducerMessage | undefined): Promise<{ finalOffset: string }> {
    await this.flush();
    this.assertOpen();
    await this.ensureContentType();
    const body =
      finalMessage === undefined
        ? undefined
        : batchBody([encodeMessage(finalMessage, this.json!, this.host.context.json)], this.json!);
    for (let attempt = 0; ; attempt++) {
      const seq = this.nextSeqValue;
      const outcome = await this.send(this.epochValue, seq, body, true);
      if (outcome.kind === "ok") {
        this.nextSeqValue = seq + 1;
        if (outcome.offset !== undefined) this.advanceOffset(outcome.offset);
        this.stop(new ProducerClosedError(this.host.url, "closed"));
        return { finalOffset: outcome.offset ?? this.lastOffsetValue ?? "" };
      }
      if (outcome.kind === "stale" && this.settings.autoClaim && attempt < 3) {
        this.startEpoch(Math.max((outcome.currentEpoch ?? this.epochValue) + 1, this.epochValue + 1));
        continue;
      }
      if (outcome.kind === "early" && attempt < MAX_EARLY_RETRIES) {
        await sleep(EARLY_RETRY_MS, this.controller.signal);
        continue;
      }
      const error = "error" in outcome ? outcome.error : new DurableStreamError("SEQUENCE_GAP", "close out of order");
      this.stop(error);
      throw error;
    }
  }

  private assertOpen(): void {
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

  private scheduleSeal(): void {
    if (this.pendingBytes >= this.settings.maxBatchBytes) {
      this.sealPending();
    } else if (this.settings.lingerMs === 0) {
      if (!this.microtaskScheduled) {
        this.microtaskScheduled = true;
        queueMicrotask(() => {
          this.microtaskScheduled = false;
          this.sealPending();
        });
      }
    } else {
      this.lingerTimer ??= setTimeout(() => this.sealPending(), this.settings.lingerMs);
    }
  }

  /** Turns the pending messages into a batch (or several, at the byte limit) and queues it. */
  private sealPending(): void {
    if (this.lingerTimer !== undefined) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
    while (this.pending.length > 0) {
      let bytes = 0;
      let count = 0;
      while (count < this.pending.length && (count === 0 || bytes + this.pending[count]!.size <= this.settings.maxBatchBytes)) {
        bytes += this.pending[count]!.size;
        count++;
      }
      const messages = this.pending.splice(0, count);
      this.pendingBytes -= bytes;
      const batch = new Batch(this.order++, messages, bytes);
      this.unacked.add(batch);
      this.enqueue(batch);
    }
    this.pump();
  }

  private enqueue(batch: Batch): void {
    let index = this.queue.length;
    while (index > 0 && this.queue[index - 1]!.order > batch.order) index--;
    this.queue.splice(index, 0, batch);
  }

  /** Dispatches queued batches while the gate and `maxInFlight` allow. */
  private pump(): void {
    if (this.stopReason && !(this.stopReason instanceof ProducerClosedError)) return;
    if (this.json === undefined) {
      if (this.queue.length > 0) void this.ensureContentType().then(() => this.pump(), () => undefined);
      return;
    }
    while (this.queue.length > 0) {
      if (this.gate === "draining") return;
      if (this.gate === "claiming" && (this.inFlight.size > 0 || this.claimBatch)) return;
      if (this.inFlight.size >= this.settings.maxInFlight) return;
      const batch = this.queue.shift()!;
      batch.epoch = this.epochValue;
      batch.seq = this.nextSeqValue++;
      if (this.gate === "claiming") this.claimBatch = batch;
      this.bySeq.set(batch.seq, batch);
      this.inFlight.add(batch);
      void this.run(batch);
    }
  }

  private ensureContentType(): Promise<void> {
    if (this.json !== undefined) return Promise.resolve();
    this.typeRequest ??= this.host.contentType().then(
      (contentType) => {
        this.setContentType(contentType);
        for (const message of this.pending) this.encodePending(message);
      },
      (error: unknown) => {
        const failure = error instanceof DurableStreamError ? error : new DurableStreamError("NETWORK_ERROR", String(error));
        this.halt(failure);
        throw failure;
      },
    );
    return this.typeRequest;
  }

  private encodePending(message: PendingMessage): void {
    message.bytes ??= encodeMessage(message.raw, this.json!, this.host.context.json);
  }

  /** Sends one batch until it is acknowledged, requeued for a new epoch, or failed. */
  private async run(batch: Batch): Promise<void> {
    let body: Uint8Array;
    try {
      for (const message of batch.messages) this.encodePending(message);
      body = batchBody(batch.messages.map((message) => message.bytes!), this.json!);
    } catch (error) {
      this.failBatch(batch, error);
      return;
    }
    for (let early = 0; ; ) {
      let outcome: ProducerOutcome;
      try {
        batch.attempts++;
        outcome = await this.send(batch.epoch, batch.seq, body, false);
      } catch (error) {
        this.failBatch(batch, error);
        return;
      }
      switch (outcome.kind) {
        case "ok":
          if (outcome.offset !== undefined && !outcome.duplicate) this.advanceOffset(outcome.offset);
          if (this.claimBatch === batch) {
            this.claimBatch = undefined;
            this.gate = "open";
          }
          this.settle(batch);
          batch.succeed();
          return;
        case "early": {
          const previous = this.bySeq.get(batch.seq - 1);
          if (previous && previous.epoch === batch.epoch && previous.outcome === "pending") {
            try {
              await previous.settled;
            } catch (error) {
              this.failBatch(batch, new DurableStreamError("SEQUENCE_GAP", `An earlier batch failed: ${describeError(error)}`, { url: this.host.url, cause: error }));
              return;
            }
          } else if (++early > MAX_EARLY_RETRIES) {
            this.failBatch(batch, new DurableStreamError("SEQUENCE_GAP", `Batch ${batch.seq} stayed out of order`, { url: this.host.url }));
            return;
          } else {
            await sleep(EARLY_RETRY_MS);
          }
          continue;
        }
        case "stale":
          if (!this.settings.autoClaim) {
            this.failBatch(batch, outcome.error);
            this.halt(outcome.error);
            return;
          }
          this.requeueForClaim(batch, outcome.currentEpoch);
          return;
        case "closed":
          this.failBatch(batch, outcome.error);
          this.halt(outcome.error);
          return;
        case "gap":
        case "rejected":
          this.failBatch(batch, outcome.error);
          return;
      }
    }
  }

  private send(epoch: number, seq: number, body: Uint8Array | undefined, close: boolean): Promise<ProducerOutcome> {
    return sendProducerRequest({
      context: this.host.context,
      url: this.host.url,
      producerId: this.id,
      epoch,
      seq,
      contentType: this.contentType,
      body,
      close,
      headers: this.settings.headers,
      signal: this.controller.signal,
    });
  }

  /** A stale epoch with autoClaim: take the server's epoch + 1 and resend in order, one batch first. */
  private requeueForClaim(batch: Batch, currentEpoch: number | undefined): void {
    this.inFlight.delete(batch);
    if (this.claimBatch === batch) this.claimBatch = undefined;
    if (batch.epoch === this.epochValue) {
      this.startEpoch(Math.max((currentEpoch ?? this.epochValue) + 1, this.epochValue + 1));
      this.gate = "claiming";
    }
    batch.epoch = -1;
    batch.seq = -1;
    this.enqueue(batch);
    this.pump();
  }

  private startEpoch(epoch: number): void {
    this.epochValue = epoch;
    this.nextSeqValue = 0;
    this.bySeq.clear();
  }

  /** Bookkeeping once a batch left the wire for good. */
  private settle(batch: Batch): void {
    this.inFlight.delete(batch);
    this.unacked.delete(batch);
    this.bufferedMessages -= batch.messages.length;
    this.bufferedBytes -= batch.bytes;
    if (this.gate === "draining" && this.inFlight.size === 0) {
      // The failed batch left a hole in the old epoch; later batches start a fresh one.
      this.startEpoch(this.epochValue + 1);
      this.gate = "open";
    }
    queueMicrotask(() => this.pump());
  }

  /** A batch failed for good: report it once; batches behind it on the wire fail through the gap. */
  private failBatch(batch: Batch, error: unknown): void {
    const failure = error instanceof DurableStreamError ? error : new DurableStreamError("NETWORK_ERROR", describeError(error), { url: this.host.url, cause: error });
    if (this.claimBatch === batch) this.claimBatch = undefined;
    if (this.gate !== "claiming" || this.claimBatch === undefined) this.gate = "draining";
    this.settle(batch);
    batch.fail(failure);
    this.report(failure, batch);
  }

  /** A fatal condition (fenced, stream closed): fail everything not yet sent and stop. */
  private halt(reason: DurableStreamError): void {
    if (this.stopReason) return;
    this.stop(reason);
    this.sealPending();
    for (const batch of this.queue.splice(0)) {
      this.unacked.delete(batch);
      batch.fail(reason);
      this.report(reason, batch);
    }
  }

  private stop(reason: DurableStreamError): void {
    this.stopReason ??= reason;
    if (this.lingerTimer !== undefined) clearTimeout(this.lingerTimer);
    this.lingerTimer = undefined;
  }

  private advanceOffset(offset: string): void {
    if (this.lastOffsetValue === undefined || compareOffsets(offset, this.lastOffsetValue) > 0) {
      this.lastOffsetValue = offset;
    }
  }

  private report(error: DurableStreamError, batch: Batch): void {
    const info: ProducerErrorInfo = { epoch: batch.epoch, seq: batch.seq, messageCount: batch.messages.length };
    if (this.listeners.size === 0) {
      console.error(`[react-durable-streams] producer ${this.id}: batch failed`, info, error);
      return;
    }
    for (const listener of this.listeners) listener(error, info);
  }
}

function estimateSize(message: ProducerMessage): number {
  if (message instanceof Uint8Array) return message.length;
  if (typeof message === "string") return message.length;
  return 64;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
