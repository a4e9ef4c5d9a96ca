import { concatBytes, encodeUtf8 } from "./chunk.js";
import { InvalidArgumentError } from "./errors.js";
import type { JsonCodec } from "./options.js";
import { BatchDelivery } from "./producer-delivery.js";
import type { ProducerSettings } from "./producer-options.js";

/** What a producer accepts: text, bytes, or (JSON streams) any JSON value. */
export type ProducerMessage = string | Uint8Array | unknown;

/**
 * Encodes one message for the wire. On a JSON stream a value is serialised
 * once (a string is a JSON string message) and bytes are taken as one message
 * already serialised; on other streams only text and bytes are accepted.
 */
export function encodeMessage(
  message: ProducerMessage,
  json: boolean,
  codec: JsonCodec,
): Uint8Array {
  if (isByteArray(message)) return message;
  if (!json && typeof message !== "string") {
    throw new InvalidArgumentError(
      "message",
      "only text and bytes can be appended to a non-JSON stream",
    );
  }
  const text = json ? (codec.stringify(message) as string | undefined) : (message as string);
  if (text === undefined) {
    throw new InvalidArgumentError("message", "a JSON message must be serialisable to JSON");
  }
  return encodeUtf8(text);
}

/**
 * The size of a message whose stream content type is not known yet: exact for
 * bytes and (non-JSON) text, the serialised size otherwise. Corrected once the
 * message is encoded.
 */
export function estimateSize(message: ProducerMessage, codec: JsonCodec): number {
  if (isByteArray(message)) return message.length;
  try {
    return encodeUtf8(typeof message === "string" ? message : (codec.stringify(message) ?? ""))
      .length;
  } catch {
    return 64;
  }
}

/**
 * The body of a batch: a JSON array of the messages for JSON streams (each
 * wrapped exactly once, so an array-valued message stays one message), the
 * concatenation for others.
 */
export function batchBody(messages: readonly Uint8Array[], json: boolean): Uint8Array {
  if (!json) return concatBytes(messages);
  // "[" + messages joined by "," + "]", written straight into one buffer.
  let total = 2 + Math.max(0, messages.length - 1);
  for (const message of messages) total += message.length;
  const body = new Uint8Array(total);
  body[0] = LEFT_BRACKET;
  let position = 1;
  messages.forEach((message, index) => {
    if (index > 0) body[position++] = COMMA;
    body.set(message, position);
    position += message.length;
  });
  body[position] = RIGHT_BRACKET;
  return body;
}

const LEFT_BRACKET = 0x5b;
const COMMA = 0x2c;
const RIGHT_BRACKET = 0x5d;

/** One message waiting to be sent: encoded once the content type is known, raw until then. */
export interface PendingMessage {
  bytes: Uint8Array | undefined;
  readonly raw: ProducerMessage;
  /** Bytes counted against the limits: exact once encoded, estimated before. */
  size: number;
  /** Its key in the producer's journal, if it has one. */
  readonly key?: number | undefined;
}

/** A promise with its settle functions, for waits that other code ends. */
export function deferred(): {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
} {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((done, fail) => {
    resolve = done;
    reject = fail;
  });
  return { promise, resolve, reject };
}

/** One sealed batch and its fate. */
export class Batch {
  /** The epoch and sequence it was sent with; -1 while not (or no longer) on the wire. */
  epoch = -1;
  seq = -1;
  /** Resends after a 409 whose predecessor was already acknowledged. */
  earlyRetries = 0;
  /** The request body, built when the batch is first dispatched. */
  body: Uint8Array | undefined;
  outcome: "pending" | "ok" | "failed" = "pending";
  /** Why it failed, once it did. */
  error: unknown;
  readonly #settle = deferred();
  readonly settled = this.#settle.promise;

  constructor(
    /** Creation order: requeued batches keep their place. */
    readonly order: number,
    readonly messages: readonly PendingMessage[],
    /** Its retries, deadline and whether it may have reached the server unanswered. */
    readonly delivery: BatchDelivery,
  ) {
    // Observed through flush(); an unobserved failure must not crash the host.
    this.settled.catch(() => undefined);
  }

  /**
   * Builds the request body once, encoding messages that were held raw until
   * the content type was known. Returns how much the counted bytes changed
   * (estimates become exact sizes). Throws when a message cannot be encoded.
   */
  encode(json: boolean, codec: JsonCodec): number {
    if (this.body) return 0;
    let change = 0;
    for (const message of this.messages) {
      if (message.bytes !== undefined) continue;
      message.bytes = encodeMessage(message.raw, json, codec);
      change += message.bytes.length - message.size;
      message.size = message.bytes.length;
    }
    this.body = batchBody(
      this.messages.map((message) => message.bytes!),
      json,
    );
    return change;
  }

  /** Bytes counted against the limits. */
  get bytes(): number {
    return this.messages.reduce((sum, message) => sum + message.size, 0);
  }

  succeed(): void {
    this.outcome = "ok";
    this.#settle.resolve();
  }

  fail(error: unknown): void {
    this.outcome = "failed";
    this.error = error;
    this.#settle.reject(error);
  }
}

/** Into the queue in creation order, so that a requeued batch gets its original place back. */
export function enqueue(queue: Batch[], batch: Batch): void {
  let index = queue.length;
  while (index > 0 && queue[index - 1]!.order > batch.order) index--;
  queue.splice(index, 0, batch);
}

/** Collects appended messages and seals them into batches. */
export interface BatchAccumulator {
  /** Messages not sealed yet. */
  readonly count: number;
  add(message: PendingMessage): void;
  /**
   * Turns pending messages into batches of at most `maxBatchBytes` and
   * `maxBatchItems` (a bigger message goes alone). `onlyFull`: only as many
   * as reached the limit. Returns the batches it sealed (handed to `onSealed` too).
   */
  seal(onlyFull?: boolean): Batch[];
  /** The wire has room again: seal what a linger expiry held back. */
  release(): void;
  /** Ends the linger now: seals if the wire has room, else as soon as it has. */
  expire(): void;
  cancelTimer(): void;
}

/**
 * Seals batches when the pending messages reach `maxBatchBytes` or
 * `maxBatchItems` (only the full batches; the rest keeps lingering), when
 * `lingerMs` expires (0: at the end of the current task), or on demand. A
 * batch's delivery timeout starts when it is sealed.
 * `canSend`: whether a sealed batch could go out now. While it cannot, an
 * expired linger keeps accumulating instead of queueing small batches: under
 * load batches grow, rather than the queue growing by one tiny batch per linger.
 */
export function batchAccumulator(
  { maxBatchBytes, maxBatchItems, lingerMs, deliveryTimeoutMs }: ProducerSettings,
  onSealed: (batches: Batch[]) => void,
  canSend: () => boolean,
): BatchAccumulator {
  const pending: PendingMessage[] = [];
  let pendingBytes = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let microtaskScheduled = false;
  let order = 0;
  /** A linger expiry found the wire full: seal once a slot frees up. */
  let deferred = false;
  const isFull = () => pendingBytes >= maxBatchBytes || pending.length >= maxBatchItems;
  const lingerExpired = () => {
    if (canSend()) self.seal();
    else if (pending.length > 0) deferred = true;
  };

  const self: BatchAccumulator = {
    get count() {
      return pending.length;
    },
    add(message) {
      pending.push(message);
      pendingBytes += message.size;
      if (isFull()) self.seal(true);
      if (pending.length === 0) return;
      if (lingerMs > 0) {
        timer ??= setTimeout(() => {
          timer = undefined;
          lingerExpired();
        }, lingerMs);
      } else if (!microtaskScheduled) {
        microtaskScheduled = true;
        queueMicrotask(() => {
          microtaskScheduled = false;
          lingerExpired();
        });
      }
    },
    seal(onlyFull = false) {
      if (!onlyFull) deferred = false;
      const batches: Batch[] = [];
      while (pending.length > 0 && (!onlyFull || isFull())) {
        let bytes = 0;
        let count = 0;
        while (
          count < pending.length &&
          count < maxBatchItems &&
          (count === 0 || bytes + pending[count]!.size <= maxBatchBytes)
        ) {
          bytes += pending[count++]!.size;
        }
        pendingBytes -= bytes;
        const delivery = new BatchDelivery(Date.now() + deliveryTimeoutMs);
        batches.push(new Batch(order++, pending.splice(0, count), delivery));
      }
      if (pending.length === 0) self.cancelTimer();
      onSealed(batches);
      return batches;
    },
    release() {
      if (deferred && canSend()) self.seal();
    },
    expire: lingerExpired,
    cancelTimer() {
      clearTimeout(timer);
      timer = undefined;
    },
  };
  return self;
}

/** A Uint8Array, also from another realm (an iframe, or jsdom's TextEncoder), where `instanceof` fails. */
function isByteArray(value: unknown): value is Uint8Array {
  return (
    ArrayBuffer.isView(value) &&
    (value as Uint8Array).BYTES_PER_ELEMENT === 1 &&
    !(value instanceof DataView)
  );
}
