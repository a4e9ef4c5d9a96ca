import type { ClientContext } from "./context.js";
import { InvalidArgumentError } from "./errors.js";
import type { DynamicRecord } from "./options.js";

/** Options of an idempotent producer (`stream.producer(id, options)`). */
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
  /** Batches on the wire at once. Default 5. */
  maxInFlight?: number;
  /** Messages not yet acknowledged, at most. Default 10,000. */
  maxBufferedMessages?: number;
  /** Bytes not yet acknowledged, at most. Default 64 MiB. */
  maxBufferedBytes?: number;
  /** Extra headers on the producer's requests (protocol headers always win). */
  headers?: DynamicRecord;
}

/** What the producer needs from its stream handle. Internal. */
export interface ProducerHost {
  readonly context: ClientContext;
  readonly url: string;
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
  readonly headers: DynamicRecord | undefined;
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
    headers: options.headers,
  };
  if (!Number.isSafeInteger(settings.epoch) || settings.epoch < 0) {
    throw new InvalidArgumentError(
      "epoch",
      `must be a non-negative integer, got ${settings.epoch}`,
    );
  }
  if (!(settings.lingerMs >= 0) || !Number.isFinite(settings.lingerMs)) {
    throw new InvalidArgumentError("lingerMs", `must be 0 or more, got ${settings.lingerMs}`);
  }
  requirePositiveInteger("maxBatchBytes", settings.maxBatchBytes);
  requirePositiveInteger("maxBatchItems", settings.maxBatchItems);
  requirePositiveInteger("maxInFlight", settings.maxInFlight);
  requirePositiveInteger("maxBufferedMessages", settings.maxBufferedMessages);
  requirePositiveInteger("maxBufferedBytes", settings.maxBufferedBytes);
  return settings;
}

function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(name, `must be a positive integer, got ${value}`);
  }
}
