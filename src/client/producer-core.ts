import { ProducerBufferFullError, ProducerClosedError, type DurableStreamError } from "./errors.js";
import type { ProducerMessage } from "./producer-batch.js";
import { producerCloser } from "./producer-close.js";
import { producerDispatcher, type DispatcherConfig } from "./producer-dispatcher.js";
import { producerFormat } from "./producer-format.js";
import { producerListeners } from "./producer-listeners.js";
import type { ProducerHost, ProducerListener, ProducerSettings } from "./producer-options.js";
import { sendBatch } from "./producer-send.js";
import { epochSequencer } from "./producer-sequencer.js";

/** The producer's engine; `IdempotentProducer` documents each member. Internal. */
export interface ProducerCore {
  readonly epoch: number;
  readonly nextSeq: number;
  readonly pendingCount: number;
  readonly inFlightCount: number;
  readonly lastOffset: string | undefined;
  readonly lastError: DurableStreamError | undefined;
  readonly stopped: boolean;
  on(event: "error" | "change", listener: ProducerListener): () => void;
  off(event: "error" | "change", listener: ProducerListener): void;
  append(message: ProducerMessage): void;
  tryAppend(message: ProducerMessage): boolean;
  flush(): Promise<void>;
  prepare(): void;
  restart(): Promise<void>;
  detach(): Promise<void>;
  close(finalMessage?: ProducerMessage): Promise<{ finalOffset: string }>;
}

/**
 * Exactly-once appends (PROTOCOL.md §5.2.1): messages collect in the buffer,
 * sealed batches go out through the dispatcher under the sequencer's epoch
 * gate, and are resent safely because the server deduplicates on (producer
 * id, epoch, sequence). The state lives in closures, so that a proxy wrapping
 * the public producer cannot come between it and its methods.
 */
export function producerCore(
  host: ProducerHost,
  producerId: string,
  settings: ProducerSettings,
): ProducerCore {
  const { url, context } = host;
  const listeners = producerListeners(producerId);
  const seq = epochSequencer(settings.epoch);
  const halt = (failure: DurableStreamError) => results.halt(failure);
  const alive = () => !results.stopReason && !closer.closing;
  const format = producerFormat(host, producerId, settings, halt, alive);
  const config: DispatcherConfig = {
    url,
    settings,
    seq,
    format,
    listeners,
    codec: context.json,
    maxRetries: context.retry.maxRetries,
    send: (batch) => sendBatch(format.request, batch),
  };
  const dispatcher = producerDispatcher(config);
  const { buffer, results } = dispatcher;
  const closer = producerCloser({ ...config, format, dispatcher });

  const core: ProducerCore = {
    get epoch() {
      return seq.epoch;
    },
    get nextSeq() {
      return seq.nextSeq;
    },
    get pendingCount() {
      return buffer.pendingCount;
    },
    get inFlightCount() {
      return buffer.inFlight.size;
    },
    get lastOffset() {
      return results.lastOffset;
    },
    get lastError() {
      return results.lastError;
    },
    get stopped() {
      return results.stopReason !== undefined;
    },
    on: listeners.on,
    off: listeners.off,
    append(message) {
      if (!core.tryAppend(message)) {
        throw new ProducerBufferFullError(url, buffer.messages, buffer.bytes);
      }
    },
    tryAppend(message) {
      if (closer.closing) throw new ProducerClosedError(url, closer.closing);
      results.assertAlive();
      const { journal } = settings;
      const key = journal && (() => journal.appended(message, seq.epoch));
      if (!buffer.add(message, format.json, key)) return false;
      listeners.changed();
      return true;
    },
    flush: buffer.flush,
    prepare: () => format.prepare(),
    async restart() {
      // Failures reach the listeners; the new epoch starts regardless (it ends a block).
      await buffer.settleSealed();
      results.assertAlive();
      seq.unblock();
      // Batches appended meanwhile may still be on the wire in the old epoch; the
      // new epoch's first batch waits for them (EpochSequencer.mayDispatch).
      seq.start(seq.epoch + 1);
      listeners.changed();
    },
    detach: closer.detach,
    close: closer.close,
  };
  return core;
}
