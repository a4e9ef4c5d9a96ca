import {
  IdempotentProducer,
  ProducerClosedError,
  type DurableStreamClient,
  type DurableStream,
  type ProducerOptions,
  type UndeliveredError,
} from "../client/index.js";
import type { Outbox } from "./outbox-engine.js";
import { producerOutbox, type ProducerOutbox } from "./outbox.js";
import { onPageExit } from "./page-exit.js";
import type { Lifecycle } from "./registry.js";

const TAB_ID_KEY = "react-durable-streams:tab-id";
const EPOCH_KEY_PREFIX = "react-durable-streams:producer-epoch:";
let memoryTabId: string | undefined;
/** The highest epoch this tab used per (stream URL, producer id); mirrors sessionStorage. */
const memoryEpochs = new Map<string, number>();

/**
 * An id for this browser tab, kept in `sessionStorage` so it survives a
 * reload of the tab but differs between tabs (two tabs sharing a producer id
 * would fence each other). Outside a browser, one id per process.
 */
export function tabProducerId(): string {
  try {
    const storage = globalThis.sessionStorage;
    const existing = storage?.getItem(TAB_ID_KEY);
    if (existing) return existing;
    const id = `tab-${randomId()}`;
    storage?.setItem(TAB_ID_KEY, id);
    if (storage) return id;
  } catch {
    // Storage can be unavailable (privacy settings); fall back to memory.
  }
  memoryTabId ??= `tab-${randomId()}`;
  return memoryTabId;
}

/**
 * The epoch a new producer for (stream, id) starts at: one above the last one
 * this tab used. A producer that starts over at the epoch of an earlier one
 * (after a reload, or a remount once the previous producer was detached)
 * would have its first appends taken as duplicates of the earlier ones
 * (same epoch, sequence from 0) and silently dropped by the server.
 */
function nextEpoch(key: string, floor: number): number {
  let last = memoryEpochs.get(key);
  try {
    const stored = globalThis.sessionStorage?.getItem(EPOCH_KEY_PREFIX + key);
    if (stored != null && /^\d+$/.test(stored)) last = Math.max(last ?? 0, Number(stored));
  } catch {
    // Storage unavailable: memory only.
  }
  return Math.max(floor, last === undefined ? 0 : last + 1);
}

function rememberEpoch(key: string, epoch: number): void {
  if ((memoryEpochs.get(key) ?? -1) >= epoch) return;
  memoryEpochs.set(key, epoch);
  try {
    globalThis.sessionStorage?.setItem(EPOCH_KEY_PREFIX + key, String(epoch));
  } catch {
    // Storage unavailable: memory only.
  }
}

function randomId(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : Math.random().toString(36).slice(2) + Date.now().toString(36);
}

/** Distinct and increasing per outbox made in this page: tells its records from earlier ones. */
let outboxesMade = 0;
const outboxStamp = () => Date.now() * 1000 + (outboxesMade++ % 1000);

/** Hears a shared producer's outbox: `pending` changed, or (with an error) earlier messages could not be delivered. */
export type OutboxListener = (undelivered?: UndeliveredError) => void;

/**
 * A producer shared by every component of this tab that writes to one stream.
 * It is flushed when the page is hidden or left, and detached (never closed:
 * that would end the stream for everyone) once its last user is gone. With
 * an outbox store (durable), every message is stored before it is sent and
 * sent again by the next page (or an adopting tab) if it was not delivered.
 */
export class SharedProducer implements Lifecycle {
  readonly producer: IdempotentProducer;
  /** The stream URL as given (for diagnostics). */
  readonly url: string;
  readonly outbox: ProducerOutbox;
  readonly durable: boolean;
  private readonly stream: DurableStream;
  private readonly recovery = new AbortController();
  private removePageListeners: (() => void) | undefined;

  constructor(
    client: DurableStreamClient,
    url: string,
    id: string,
    options: ProducerOptions,
    /** Where its messages are stored before they are sent (durable); none: memory only (just `pending`). */
    outbox?: Outbox,
  ) {
    this.url = url;
    const stream = (this.stream = client.stream(url));
    const epochKey = JSON.stringify([stream.url, id]);
    const epoch = nextEpoch(epochKey, options.epoch ?? 0);
    this.durable = outbox !== undefined;
    this.outbox = producerOutbox(outbox, id, stream.url, outboxStamp(), {
      changed: () => this.outboxListeners.forEach((listener) => listener()),
      undelivered: (error) => this.undelivered(error),
    });
    // A durable message waits out the network for as long as it takes: it is stored meanwhile.
    const deliveryTimeoutMs = options.deliveryTimeoutMs ?? (this.durable ? Infinity : undefined);
    this.producer = new IdempotentProducer(stream, id, {
      ...options,
      epoch,
      deliveryTimeoutMs,
      journal: this.outbox.journal,
    });
    rememberEpoch(epochKey, epoch);
    // autoClaim may move to a higher epoch; the next producer must start above it.
    this.producer.on("change", () => rememberEpoch(epochKey, this.producer.epoch));
  }

  private readonly outboxListeners = new Set<OutboxListener>();

  /** Hears `outbox.pending` change and undelivered messages. Returns the unsubscribe function. */
  listen(listener: OutboxListener): () => void {
    this.outboxListeners.add(listener);
    return () => this.outboxListeners.delete(listener);
  }

  /** Earlier messages could not be delivered: to the listeners, or said on the console if nobody listens. */
  undelivered(error: UndeliveredError): void {
    if (this.outboxListeners.size === 0) {
      console.warn(`[react-durable-streams] ${error.message}`, error.messages);
    }
    this.outboxListeners.forEach((listener) => listener(error));
  }

  start(): void {
    // An append made as the page closes must not wait for a HEAD first.
    this.producer.prepare();
    this.outbox.recover(this.stream.producerHost, this.recovery.signal);
    this.removePageListeners ??= onPageExit(() => {
      if (!this.producer.stopped) void this.producer.flush().catch(() => undefined);
    });
  }

  async stop(): Promise<void> {
    this.removePageListeners?.();
    this.removePageListeners = undefined;
    this.outbox.keep();
    this.recovery.abort(new ProducerClosedError(this.stream.url, "detached"));
    await this.producer.detach();
  }
}
