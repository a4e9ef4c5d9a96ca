import { concatBytes } from "./chunk.js";
import { InvalidArgumentError } from "./errors.js";
import type { JsonCodec } from "./options.js";

/** What a producer accepts: text, bytes, or (JSON streams) any JSON value. */
export type ProducerMessage = string | Uint8Array | unknown;

const encoder = new TextEncoder();
const OPEN = encoder.encode("[");
const COMMA = encoder.encode(",");
const CLOSE = encoder.encode("]");

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
  if (json) {
    const text = codec.stringify(message) as string | undefined;
    if (text === undefined) {
      throw new InvalidArgumentError("message", "a JSON message must be serialisable to JSON");
    }
    return encoder.encode(text);
  }
  if (typeof message === "string") return encoder.encode(message);
  throw new InvalidArgumentError(
    "message",
    "only text and bytes can be appended to a non-JSON stream",
  );
}

/**
 * The size of a message whose stream content type is not known yet: exact for
 * bytes and (non-JSON) text, the serialised size otherwise. Corrected once the
 * message is encoded.
 */
export function estimateSize(message: ProducerMessage, codec: JsonCodec): number {
  if (isByteArray(message)) return message.length;
  if (typeof message === "string") return utf8Length(message);
  try {
    return utf8Length(codec.stringify(message) ?? "");
  } catch {
    return 64;
  }
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * The body of a batch: a JSON array of the messages for JSON streams (each
 * wrapped exactly once, so an array-valued message stays one message), the
 * concatenation for others.
 */
export function batchBody(messages: readonly Uint8Array[], json: boolean): Uint8Array {
  if (!json) return concatBytes(messages);
  const parts: Uint8Array[] = [OPEN];
  messages.forEach((message, index) => {
    if (index > 0) parts.push(COMMA);
    parts.push(message);
  });
  parts.push(CLOSE);
  return concatBytes(parts);
}

/** One message waiting to be sent: encoded once the content type is known, raw until then. */
export interface PendingMessage {
  bytes: Uint8Array | undefined;
  readonly raw: ProducerMessage;
  /** Bytes counted against the limits: exact once encoded, estimated before. */
  size: number;
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
  readonly settled: Promise<void>;
  outcome: "pending" | "ok" | "failed" = "pending";
  /** Why it failed, once it did. */
  error: unknown;
  private resolveSettled!: () => void;
  private rejectSettled!: (error: unknown) => void;

  constructor(
    /** Creation order: requeued batches keep their place. */
    readonly order: number,
    readonly messages: readonly PendingMessage[],
  ) {
    this.settled = new Promise<void>((resolve, reject) => {
      this.resolveSettled = resolve;
      this.rejectSettled = reject;
    });
    // Observed through flush(); an unobserved failure must not crash the host.
    this.settled.catch(() => undefined);
  }

  /** Bytes counted against the limits. */
  get bytes(): number {
    return this.messages.reduce((sum, message) => sum + message.size, 0);
  }

  succeed(): void {
    this.outcome = "ok";
    this.resolveSettled();
  }

  fail(error: unknown): void {
    this.outcome = "failed";
    this.error = error;
    this.rejectSettled(error);
  }
}

/**
 * Collects appended messages and seals them into batches: when they reach
 * `maxBatchBytes` or `maxBatchItems` (only the full batches; the rest keeps lingering), when
 * `lingerMs` expires (0: at the end of the current task), or on demand.
 */
export class BatchAccumulator {
  private pending: PendingMessage[] = [];
  private pendingBytes = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private microtaskScheduled = false;
  private order = 0;

  /** A linger expiry found the wire full: seal once a slot frees up. */
  private deferred = false;

  constructor(
    private readonly maxBatchBytes: number,
    private readonly maxBatchItems: number,
    private readonly lingerMs: number,
    private readonly onSealed: (batches: Batch[]) => void,
    /**
     * Whether a sealed batch could go out now. While it cannot, an expired
     * linger keeps accumulating instead of queueing small batches: under load
     * batches grow, rather than the queue growing by one tiny batch per linger.
     */
    private readonly canSend: () => boolean = () => true,
  ) {}

  /** The wire has room again: seal what a linger expiry held back. */
  release(): void {
    if (this.deferred && this.canSend()) this.seal();
  }

  /** Messages not sealed yet. */
  get count(): number {
    return this.pending.length;
  }

  add(message: PendingMessage): void {
    this.pending.push(message);
    this.pendingBytes += message.size;
    if (this.isFull()) this.seal(true);
    if (this.pending.length === 0) return;
    if (this.lingerMs > 0) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.lingerExpired();
      }, this.lingerMs);
    } else if (!this.microtaskScheduled) {
      this.microtaskScheduled = true;
      queueMicrotask(() => {
        this.microtaskScheduled = false;
        this.lingerExpired();
      });
    }
  }

  /**
   * Turns pending messages into batches of at most `maxBatchBytes` and
   * `maxBatchItems` (a bigger
   * message goes alone). `onlyFull`: only as many as reached the limit.
   */
  seal(onlyFull = false): void {
    if (!onlyFull) this.deferred = false;
    const batches: Batch[] = [];
    while (this.pending.length > 0 && (!onlyFull || this.isFull())) {
      let bytes = 0;
      let count = 0;
      while (
        count < this.pending.length &&
        count < this.maxBatchItems &&
        (count === 0 || bytes + this.pending[count]!.size <= this.maxBatchBytes)
      ) {
        bytes += this.pending[count]!.size;
        count++;
      }
      this.pendingBytes -= bytes;
      batches.push(new Batch(this.order++, this.pending.splice(0, count)));
    }
    if (this.pending.length === 0) this.cancelTimer();
    this.onSealed(batches);
  }

  private lingerExpired(): void {
    if (this.canSend()) this.seal();
    else if (this.pending.length > 0) this.deferred = true;
  }

  private isFull(): boolean {
    return this.pendingBytes >= this.maxBatchBytes || this.pending.length >= this.maxBatchItems;
  }

  cancelTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** A Uint8Array, also from another realm (an iframe, or jsdom's TextEncoder), where `instanceof` fails. */
function isByteArray(value: unknown): value is Uint8Array {
  return (
    ArrayBuffer.isView(value) &&
    (value as Uint8Array).BYTES_PER_ELEMENT === 1 &&
    !(value instanceof DataView)
  );
}
