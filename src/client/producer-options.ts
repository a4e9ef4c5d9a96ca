import type { ClientContext } from "./context.js";
import { InvalidArgumentError, requireArgument, type DurableStreamError } from "./errors.js";
import type { DynamicRecord } from "./options.js";
import type { ProducerMessage } from "./producer-batch.js";
import type { ProducerJournal } from "./producer-journal.js";

/** Options of an idempotent producer (`new IdempotentProducer(stream, id, options)`). */
export interface ProducerOptions {
  /** On a stale epoch (403), claim the server's epoch + 1 and resend. Default false. */
  autoClaim?: boolean;
  /** Starting epoch; bump it when a worker restarts. Default 0. */
  epoch?: number;
  /** How long a batch waits for more messages before it is sent. Default 5 ms; 0 sends at once. */
  lingerMs?: number;
  /** A batch is sent as soon as it holds this many bytes. Default 1 MiB. */
  maxBatchBytes?: number;
  /** A batch is sent as soon as it holds this many messages. Default: no limit. */
  maxBatchItems?: number;
  /**
   * Batches on the wire at once, at most. Default 5. A batch that reaches the
   * server before its predecessor is refused and sent again, so each such
   * arrival halves the number, and batches arriving in order grow it back.
   */
  maxInFlight?: number;
  /** Messages not yet acknowledged, at most. Default 10,000. */
  maxBufferedMessages?: number;
  /** Bytes not yet acknowledged, at most. Default 64 MiB. */
  maxBufferedBytes?: number;
  /**
   * How long a batch is retried, from the moment it is sealed: 429, 5xx and
   * network failures are retried with its epoch and sequence until then (the
   * server deduplicates them, so this is safe) with the client's backoff, in
   * place of the client's `retry.maxRetries`. Like Kafka's `delivery.timeout.ms`.
   * Default 120,000 (2 minutes); 0 makes one attempt; `Infinity` never gives up.
   * `detach()` and `close()` do not wait it out: they stop a batch's retries.
   */
  deliveryTimeoutMs?: number;
  /** Extra headers on the producer's requests (protocol headers always win). */
  headers?: DynamicRecord;
  /**
   * Records every message before it is sent, with the epoch and sequence it
   * goes out with, so it can be re-sent unchanged after a reload (see
   * {@link ProducerJournal}; `react-durable-streams` gives one with
   * `useStreamProducer(url, { durable: true })`).
   */
  journal?: ProducerJournal;
}

/** Which batch an error concerns, and what may have become of it. */
export interface ProducerErrorInfo {
  /** The epoch the batch was sent in (the current one if it was never sent). */
  readonly epoch: number;
  /** The batch's sequence number (one per request); -1 if it was never sent. */
  readonly seq: number;
  readonly messageCount: number;
  /** The batch's messages as they were appended, in order. */
  readonly messages: readonly ProducerMessage[];
  /**
   * True when the server may have stored the batch: an attempt went out and
   * its answer never came (a dropped connection, or `detach()`/`close()`
   * stopping its retries). The error is then a `NetworkError` with
   * `outcomeUnknown` true, and the producer sends nothing more until
   * `restart()` (see {@link IdempotentProducer.restart}). False when the
   * server certainly does not hold it, so that appending the messages again
   * stores them once.
   */
  readonly outcomeUnknown: boolean;
}

/** Receives every batch failure, once per batch. */
export type ProducerErrorListener = (error: DurableStreamError, batch: ProducerErrorInfo) => void;

/** Receives a notice that the producer's counters or state changed. */
export type ProducerChangeListener = () => void;

export type ProducerListener = ProducerErrorListener | ProducerChangeListener;

/** What the producer needs from its stream handle. Internal. */
export interface ProducerHost {
  readonly context: ClientContext;
  readonly url: string;
  /** The content type the handle already knows, if any. */
  readonly knownContentType: string | undefined;
  /** The stream's content type, learned with a HEAD if not known yet. */
  contentType(): Promise<string>;
}

/** Validated producer options. */
export interface ProducerSettings {
  readonly autoClaim: boolean;
  readonly epoch: number;
  readonly lingerMs: number;
  readonly maxBatchBytes: number;
  readonly maxBatchItems: number;
  readonly maxInFlight: number;
  readonly maxBufferedMessages: number;
  readonly maxBufferedBytes: number;
  readonly deliveryTimeoutMs: number;
  readonly headers: DynamicRecord | undefined;
  readonly journal: ProducerJournal | undefined;
}

/** Validates producer options, naming the option at fault. */
export function resolveProducerSettings(id: string, options: ProducerOptions): ProducerSettings {
  if (typeof id !== "string" || id === "") {
    throw new InvalidArgumentError("producerId", "must be a non-empty string");
  }
  const settings: ProducerSettings = {
    autoClaim: options.autoClaim ?? false,
    epoch: options.epoch ?? 0,
    lingerMs: options.lingerMs ?? 5,
    maxBatchBytes: options.maxBatchBytes ?? 1 << 20,
    maxBatchItems: options.maxBatchItems ?? Number.MAX_SAFE_INTEGER,
    maxInFlight: options.maxInFlight ?? 5,
    maxBufferedMessages: options.maxBufferedMessages ?? 10_000,
    maxBufferedBytes: options.maxBufferedBytes ?? 64 << 20,
    deliveryTimeoutMs: options.deliveryTimeoutMs ?? 120_000,
    headers: options.headers,
    journal: options.journal,
  };
  const { epoch, lingerMs, deliveryTimeoutMs } = settings;
  requireArgument(
    Number.isSafeInteger(epoch) && epoch >= 0,
    "epoch",
    "a non-negative integer",
    epoch,
  );
  requireArgument(lingerMs >= 0 && Number.isFinite(lingerMs), "lingerMs", "0 or more", lingerMs);
  requireArgument(
    typeof deliveryTimeoutMs === "number" && deliveryTimeoutMs >= 0,
    "deliveryTimeoutMs",
    "0 or more (Infinity: no limit)",
    deliveryTimeoutMs,
  );
  for (const name of POSITIVE_INTEGERS) {
    const value = settings[name];
    requireArgument(Number.isSafeInteger(value) && value > 0, name, "a positive integer", value);
  }
  return settings;
}

const POSITIVE_INTEGERS = [
  "maxBatchBytes",
  "maxBatchItems",
  "maxInFlight",
  "maxBufferedMessages",
  "maxBufferedBytes",
] as const;
