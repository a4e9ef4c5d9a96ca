import type { DurableStreamError } from "./errors.js";
import type { DurableStream } from "./stream.js";
import type { ProducerMessage } from "./producer-batch.js";
import { producerCore, type ProducerCore } from "./producer-core.js";
import {
  resolveProducerSettings,
  type ProducerChangeListener,
  type ProducerErrorInfo,
  type ProducerErrorListener,
  type ProducerHost,
  type ProducerListener,
  type ProducerOptions,
} from "./producer-options.js";

export type { ProducerChangeListener, ProducerErrorInfo, ProducerErrorListener, ProducerHost };

/**
 * Exactly-once appends (PROTOCOL.md §5.2.1): fire-and-forget, batched by size
 * and linger time, pipelined up to `maxInFlight`, retried safely because the
 * server deduplicates on (producer id, epoch, sequence). The work happens in
 * its engine (`producer-core.ts`); this class is the public face.
 *
 * Delivery: 429, 5xx and network failures are retried with the batch's epoch
 * and sequence until `deliveryTimeoutMs` (default 2 minutes), like Kafka's
 * idempotent producer. A batch that fails for good is reported once, to the
 * "error" listeners with its messages and `outcomeUnknown`:
 * - certainly not stored (every attempt was answered, or it was never sent):
 *   the batches behind it fail through the gap it leaves, and the producer
 *   goes on in a new epoch; appending the messages again stores them once;
 * - possibly stored (`outcomeUnknown`: an attempt's connection was lost, or
 *   `detach()`/`close()` stopped its retries after one was): the producer
 *   keeps its epoch and sends nothing more (later batches, and `close()`,
 *   fail through the gap with a `SequenceGapError`, unsent) until
 *   {@link IdempotentProducer.restart}. It never moves past such a batch on
 *   its own, because the server could not tell a re-send of its messages
 *   under a new epoch or sequence from new data: find out first whether the
 *   stream holds them (read it from {@link IdempotentProducer.lastOffset}),
 *   then `restart()` and re-send what is missing.
 */
export class IdempotentProducer {
  private readonly core: ProducerCore;

  /**
   * A producer writing to `stream` as `id` (sent as `Producer-Id`; it names
   * the writer across restarts, so give each concurrent writer its own).
   * No I/O until the first append.
   */
  constructor(
    stream: DurableStream,
    /** The producer id sent as `Producer-Id`. */
    readonly id: string,
    options: ProducerOptions = {},
  ) {
    this.core = producerCore(stream.producerHost, id, resolveProducerSettings(id, options));
  }

  /** The current epoch. */
  get epoch(): number {
    return this.core.epoch;
  }
  /** The sequence number the next batch will carry. */
  get nextSeq(): number {
    return this.core.nextSeq;
  }
  /** Messages appended but not yet sent. */
  get pendingCount(): number {
    return this.core.pendingCount;
  }
  /** Batches on the wire. */
  get inFlightCount(): number {
    return this.core.inFlightCount;
  }
  /** The highest offset the server acknowledged for this producer's data. */
  get lastOffset(): string | undefined {
    return this.core.lastOffset;
  }
  /** The last batch failure, kept after later batches succeed (for diagnostics). */
  get lastError(): DurableStreamError | undefined {
    return this.core.lastError;
  }
  /** Whether the producer stopped (detached, closed, fenced, or its stream closed). */
  get stopped(): boolean {
    return this.core.stopped;
  }

  /**
   * `"error"`: every batch failure, once per batch. `"change"`: the counters
   * (`pendingCount`, `inFlightCount`, `lastOffset`, `epoch`) or the stopped
   * state changed; called synchronously, so throttle any rendering.
   * Returns the unsubscribe function.
   */
  on(event: "error", listener: ProducerErrorListener): () => void;
  on(event: "change", listener: ProducerChangeListener): () => void;
  on(event: "error" | "change", listener: ProducerListener): () => void {
    return this.core.on(event, listener);
  }

  /** Removes a listener added with {@link on}. */
  off(event: "error" | "change", listener: ProducerListener): void {
    this.core.off(event, listener);
  }

  /**
   * Queues a message (text, bytes, or for JSON streams any JSON value; bytes
   * on a JSON stream are one message already serialised). Throws
   * {@link ProducerBufferFullError} rather than buffering past the limits, and
   * {@link ProducerClosedError} after `detach()`, `close()` or fencing.
   */
  append(message: ProducerMessage): void {
    this.core.append(message);
  }

  /** Like {@link append}, but returns false instead of exceeding the buffer limits. */
  tryAppend(message: ProducerMessage): boolean {
    return this.core.tryAppend(message);
  }

  /**
   * Learns now what the first batch needs and the handle does not know (the
   * stream's content type: one HEAD), so that an append made as the page
   * closes goes out at once instead of waiting for it. Optional; a failure
   * here changes nothing (the first batch asks again).
   */
  prepare(): void {
    this.core.prepare();
  }

  /**
   * Sends what is pending and resolves once everything appended before the
   * call is acknowledged; rejects with the first failure among them (every
   * failure also reaches the error listeners).
   */
  flush(): Promise<void> {
    return this.core.flush();
  }

  /**
   * Waits for everything appended before the call to be acknowledged or to
   * fail (failures reach the error listeners, as always), then starts a new
   * epoch at sequence 0 (a new producer session). This is how the producer
   * goes on after a batch that may have been stored (`outcomeUnknown`): it is
   * the application saying it has dealt with those messages. Rejects only
   * when the producer has stopped.
   */
  restart(): Promise<void> {
    return this.core.restart();
  }

  /**
   * Sends what is pending, waits for it, and stops. The stream stays open. It
   * does not wait out the delivery timeout: a batch that is retrying, or that
   * meets a failure afterwards, is not retried again but fails (with
   * `outcomeUnknown` when an attempt may have been stored).
   */
  detach(): Promise<void> {
    return this.core.detach();
  }

  /**
   * Flushes, then closes the stream for every reader and writer, optionally
   * with a final message. Idempotent, and safe to retry: the close carries
   * the producer headers, so the server deduplicates it. Like {@link detach}
   * it stops the retries of pending batches; if one fails, so does the close
   * (the stream stays open). The close request itself is retried per the
   * client's retry policy.
   */
  close(finalMessage?: ProducerMessage): Promise<{ finalOffset: string }> {
    return this.core.close(finalMessage);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.detach();
  }
}
