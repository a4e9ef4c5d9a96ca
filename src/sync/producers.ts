import type { DurableStreamClient, IdempotentProducer, ProducerOptions } from "../client/index.js";
import { onPageExit } from "./page-exit.js";
import type { Lifecycle } from "./registry.js";

const TAB_ID_KEY = "react-durable-streams:tab-id";
let memoryTabId: string | undefined;

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
  private removePageListeners: (() => void) | undefined;

  constructor(client: DurableStreamClient, url: string, id: string, options: ProducerOptions) {
    this.producer = client.stream(url).producer(id, options);
  }

  start(): void {
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
