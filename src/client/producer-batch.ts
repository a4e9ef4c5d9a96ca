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
export function encodeMessage(message: ProducerMessage, json: boolean, codec: JsonCodec): Uint8Array {
  if (message instanceof Uint8Array) return message;
  if (json) {
    const text = codec.stringify(message);
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
  readonly size: number;
}

/** One sealed batch and its fate. */
export class Batch {
  epoch = -1;
  seq = -1;
  /** Requests sent for this batch so far (for diagnostics). */
  attempts = 0;
  readonly settled: Promise<void>;
  private resolveSettled!: () => void;
  private rejectSettled!: (error: unknown) => void;
  outcome: "pending" | "ok" | "failed" = "pending";

  constructor(
    /** Creation order: requeued batches keep their place. */
    readonly order: number,
    readonly messages: readonly PendingMessage[],
    readonly bytes: number,
  ) {
    this.settled = new Promise<void>((resolve, reject) => {
      this.resolveSettled = resolve;
      this.rejectSettled = reject;
    });
    // Observed through flush(); an unobserved failure must not crash the host.
    this.settled.catch(() => undefined);
  }

  succeed(): void {
    this.outcome = "ok";
    this.resolveSettled();
  }

  fail(error: unknown): void {
    this.outcome = "failed";
    this.rejectSettled(error);
  }
}
