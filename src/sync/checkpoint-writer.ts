import type { CheckpointRecord, CheckpointStore } from "./checkpoint-store.js";
import { onBeforeUnload, onPageExit } from "./page-exit.js";

/**
 * Writes one view's checkpoint: on a coalescing timer while data flows, and
 * at once when the page is about to unload (`beforeunload`, listened to only
 * while something is unsaved), hidden or left (`pagehide`), when the stream
 * closes, and when the view stops. A write failure is reported, never thrown:
 * the view keeps working from memory.
 */
export class CheckpointWriter {
  private pending: CheckpointRecord | undefined;
  /** The record of the write in progress, until the store confirms it. */
  private unconfirmed: CheckpointRecord | undefined;
  /** Whether the write in progress is an urgent one (already committed in its task). */
  private unconfirmedIsUrgent = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly detachPageListeners: () => void;
  private detachBeforeUnload: (() => void) | undefined;

  constructor(
    private readonly store: CheckpointStore,
    private readonly key: string,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
  ) {
    this.detachPageListeners = onPageExit(() => this.flushUrgently());
  }

  /** Queues a record; it is written when the timer fires unless a newer one replaces it first. */
  save(record: CheckpointRecord): void {
    this.pending = record;
    this.detachBeforeUnload ??= onBeforeUnload(() => this.flushUrgently());
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.intervalMs);
  }

  /** Writes the queued record now, after any write in progress. */
  flush(): Promise<void> {
    const record = this.takePending();
    if (record) {
      this.writing = this.writing.then(() => this.write(record, false));
    }
    return this.writing;
  }

  /**
   * The page is going away: the write must start in this very task, so it
   * does not wait for the write in progress, and it repeats that write's
   * record when nothing newer is queued (a closing page aborts it) unless
   * that write was urgent itself: `beforeunload`, `pagehide` and hidden
   * arrive one after the other, and one committed write is enough.
   */
  private flushUrgently(): void {
    const record = this.takePending() ?? (this.unconfirmedIsUrgent ? undefined : this.unconfirmed);
    if (!record) return;
    const urgent = this.write(record, true);
    this.writing = Promise.all([this.writing, urgent]).then(() => undefined);
  }

  private takePending(): CheckpointRecord | undefined {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const record = this.pending;
    this.pending = undefined;
    return record;
  }

  private async write(record: CheckpointRecord, urgent: boolean): Promise<void> {
    this.unconfirmed = record;
    this.unconfirmedIsUrgent = urgent;
    try {
      await this.store.put(this.key, record, urgent ? { urgent } : undefined);
    } catch (error) {
      this.onError(error);
    } finally {
      if (this.unconfirmed === record) this.unconfirmed = undefined;
      if (!this.pending && !this.unconfirmed) this.stopListeningBeforeUnload();
    }
  }

  private stopListeningBeforeUnload(): void {
    this.detachBeforeUnload?.();
    this.detachBeforeUnload = undefined;
  }

  /** Drops the checkpoint (the stream is gone, or the reducer changed). */
  async discard(): Promise<void> {
    this.takePending();
    this.stopListeningBeforeUnload();
    await this.writing;
    await this.store.delete(this.key).catch((error: unknown) => this.onError(error));
  }

  /** Writes what is queued and stops listening to the page. */
  async close(): Promise<void> {
    this.detachPageListeners();
    this.stopListeningBeforeUnload();
    await this.flush();
  }
}
