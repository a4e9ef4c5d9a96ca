import {
  IdempotentProducer,
  type DurableStreamClient,
  type ProducerOptions,
} from "../client/index.js";
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

/**
 * A producer shared by every component of this tab that writes to one stream.
 * It is flushed when the page is hidden or left, and detached (never closed:
 * that would end the stream for everyone) once its last user is gone.
 */
export class SharedProducer implements Lifecycle {
  readonly producer: IdempotentProducer;
  /** The stream URL as given (for diagnostics). */
  readonly url: string;
  private removePageListeners: (() => void) | undefined;

  constructor(client: DurableStreamClient, url: string, id: string, options: ProducerOptions) {
    this.url = url;
    const stream = client.stream(url);
    const epochKey = JSON.stringify([stream.url, id]);
    const epoch = nextEpoch(epochKey, options.epoch ?? 0);
    this.producer = new IdempotentProducer(stream, id, { ...options, epoch });
    rememberEpoch(epochKey, epoch);
    // autoClaim may move to a higher epoch; the next producer must start above it.
    this.producer.on("change", () => rememberEpoch(epochKey, this.producer.epoch));
  }

  start(): void {
    // An append made as the page closes must not wait for a HEAD first.
    this.producer.prepare();
    this.removePageListeners ??= onPageExit(() => {
      if (!this.producer.stopped) void this.producer.flush().catch(() => undefined);
    });
  }

  async stop(): Promise<void> {
    this.removePageListeners?.();
    this.removePageListeners = undefined;
    await this.producer.detach();
  }
}
