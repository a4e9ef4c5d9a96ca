import type { CheckpointRecord, CheckpointStore } from "./checkpoint-store.js";
import { onPageExit } from "./page-exit.js";

/**
 * Writes one view's checkpoint: on a coalescing timer while data flows, and
 * at once when the page is hidden or left (`pagehide`), when the stream
 * closes, and when the view stops. A write failure is reported, never thrown:
 * the view keeps working from memory.
 */
export class CheckpointWriter {
  private pending: CheckpointRecord | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly detachPageListeners: () => void;

  constructor(
    private readonly store: CheckpointStore,
    private readonly key: string,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {
    this.detachPageListeners = onPageExit(() => void this.flush());
  }

  /** Queues a record; it is written when the timer fires unless a newer one replaces it first. */
  save(record: CheckpointRecord): void {
    this.pending = record;
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.intervalMs);
  }

  /** Writes the queued record now. */
  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const record = this.pending;
    this.pending = undefined;
    if (record) {
      this.writing = this.writing
        .then(() => this.store.put(this.key, record))
        .catch((error: unknown) => this.onError(error));
    }
    return this.writing;
  }

  /** Drops the checkpoint (the stream is gone, or the reducer changed). */
  async discard(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    await this.writing;
    await this.store.delete(this.key).catch((error: unknown) => this.onError(error));
  }

  /** Writes what is queued and stops listening to the page. */
  async close(): Promise<void> {
    this.detachPageListeners();
    await this.flush();
  }
}
