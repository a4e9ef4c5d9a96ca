import { DurableStreamError } from "./errors.js";

/** Which batch an error concerns. */
export interface ProducerErrorInfo {
  readonly epoch: number;
  /** The batch's sequence number; -1 if it was never sent. */
  readonly seq: number;
  readonly messageCount: number;
}

/** Receives every batch failure, once per batch. */
export type ProducerErrorListener = (error: DurableStreamError, batch: ProducerErrorInfo) => void;

/** Receives a notice that the producer's counters or state changed. */
export type ProducerChangeListener = () => void;

/**
 * The producer's listeners. A throwing listener is logged, never allowed to
 * break the producer or starve the others; a failure nobody listens to is logged.
 */
export class ProducerEvents {
  private readonly errorListeners = new Set<ProducerErrorListener>();
  private readonly changeListeners = new Set<ProducerChangeListener>();

  constructor(private readonly producerId: string) {}

  add(
    event: "error" | "change",
    listener: ProducerErrorListener | ProducerChangeListener,
  ): () => void {
    const set = this.setFor(event) as Set<typeof listener>;
    set.add(listener);
    return () => set.delete(listener);
  }

  remove(
    event: "error" | "change",
    listener: ProducerErrorListener | ProducerChangeListener,
  ): void {
    (this.setFor(event) as Set<typeof listener>).delete(listener);
  }

  error(error: DurableStreamError, info: ProducerErrorInfo): void {
    if (this.errorListeners.size === 0) {
      console.error(
        `[react-durable-streams] producer ${this.producerId}: batch failed`,
        info,
        error,
      );
      return;
    }
    for (const listener of [...this.errorListeners]) this.call(() => listener(error, info));
  }

  changed(): void {
    for (const listener of [...this.changeListeners]) this.call(listener);
  }

  private setFor(event: string): Set<ProducerErrorListener> | Set<ProducerChangeListener> {
    if (event === "error") return this.errorListeners;
    if (event === "change") return this.changeListeners;
    throw new DurableStreamError("INVALID_ARGUMENT", `Unknown producer event ${event}`);
  }

  private call(listener: () => void): void {
    try {
      listener();
    } catch (error) {
      console.error(`[react-durable-streams] producer ${this.producerId}: listener threw`, error);
    }
  }
}
