import type { JsonCodec } from "./options.js";
import {
  batchAccumulator,
  encodeMessage,
  enqueue,
  estimateSize,
  type Batch,
  type BatchAccumulator,
  type ProducerMessage,
} from "./producer-batch.js";
import type { ProducerSettings } from "./producer-options.js";

/**
 * What is appended and not yet settled: the open batch, the sealed batches
 * waiting for the wire, the batches on it, and the counts held against
 * `maxBufferedMessages` and `maxBufferedBytes`. Internal.
 */
export interface ProducerBuffer {
  readonly accumulator: BatchAccumulator;
  /** Sealed batches not on the wire, in creation order. */
  readonly queue: Batch[];
  readonly inFlight: Set<Batch>;
  readonly messages: number;
  readonly bytes: number;
  /** Messages not on the wire: in the open batch or queued. */
  readonly pendingCount: number;
  /**
   * Adds a message to the open batch, encoded if the content type is known
   * (`json`), else held raw and its size estimated. False, adding nothing,
   * when it would pass a limit. `key`: records it in the journal, once accepted.
   */
  add(message: ProducerMessage, json: boolean | undefined, key?: () => number): boolean;
  /**
   * Builds the batch's body once (see `Batch.encode`), counting exact sizes
   * in place of estimates. Throws when a message cannot be encoded.
   */
  encode(batch: Batch, json: boolean): void;
  /** A batch settled: off the wire, and its messages no longer count. */
  released(batch: Batch): void;
  /** Seals the open batch and waits for every sealed batch (queued, on the wire, or failed while sealed) to settle. */
  settleSealed(): Promise<PromiseSettledResult<void>[]>;
  /** Like {@link settleSealed}, rejecting with the first failure. */
  flush(): Promise<void>;
}

/** `onSealed`: batches joined the queue. `canSend`: whether a sealed batch could go out now. */
export function producerBuffer(
  settings: ProducerSettings,
  codec: JsonCodec,
  onSealed: () => void,
  canSend: () => boolean,
): ProducerBuffer {
  const queue: Batch[] = [];
  const inFlight = new Set<Batch>();
  let messages = 0;
  let bytes = 0;
  const accumulator = batchAccumulator(
    settings,
    (batches) => {
      for (const batch of batches) enqueue(queue, batch);
      onSealed();
    },
    canSend,
  );
  const self: ProducerBuffer = {
    accumulator,
    queue,
    inFlight,
    get messages() {
      return messages;
    },
    get bytes() {
      return bytes;
    },
    get pendingCount() {
      return accumulator.count + queue.reduce((sum, batch) => sum + batch.messages.length, 0);
    },
    add(message, json, key) {
      const encoded = json === undefined ? undefined : encodeMessage(message, json, codec);
      const size = encoded?.length ?? estimateSize(message, codec);
      if (messages + 1 > settings.maxBufferedMessages || bytes + size > settings.maxBufferedBytes) {
        // Nothing more can join the open batch until acknowledgements free the
        // buffer, so waiting out its linger would only delay them.
        accumulator.expire();
        return false;
      }
      messages++;
      bytes += size;
      accumulator.add({ bytes: encoded, raw: message, size, key: key?.() });
      return true;
    },
    encode(batch, json) {
      bytes += batch.encode(json, codec);
    },
    released(batch) {
      inFlight.delete(batch);
      messages -= batch.messages.length;
      bytes -= batch.bytes;
    },
    settleSealed() {
      const sealed = new Set([...accumulator.seal(), ...queue, ...inFlight]);
      return Promise.allSettled([...sealed].map((batch) => batch.settled));
    },
    async flush() {
      const failure = (await self.settleSealed()).find((result) => result.status === "rejected");
      if (failure) throw (failure as PromiseRejectedResult).reason;
    },
  };
  return self;
}
