import { DurableStreamError } from "./errors.js";
import type {
  ProducerChangeListener,
  ProducerErrorInfo,
  ProducerErrorListener,
  ProducerListener,
} from "./producer-options.js";

/** A producer's "error" and "change" listeners. Internal. */
export interface ProducerListeners {
  on(event: "error" | "change", listener: ProducerListener): () => void;
  off(event: "error" | "change", listener: ProducerListener): void;
  /** Tells the change listeners. */
  changed(): void;
  /** Tells the error listeners about a failed batch; with none, logs it, so it is not lost. */
  failed(error: DurableStreamError, info: ProducerErrorInfo): void;
}

/**
 * Listeners are called synchronously, each on its own: one that throws is
 * logged, never allowed to break the producer or starve the others.
 */
export function producerListeners(producerId: string): ProducerListeners {
  const errorListeners = new Set<ProducerErrorListener>();
  const changeListeners = new Set<ProducerChangeListener>();
  const notify = (listener: () => void) => {
    try {
      listener();
    } catch (error) {
      console.error(`[react-durable-streams] producer ${producerId}: listener threw`, error);
    }
  };
  const listeners = (event: string): Set<ProducerListener> => {
    if (event === "error") return errorListeners as Set<ProducerListener>;
    if (event === "change") return changeListeners as Set<ProducerListener>;
    throw new DurableStreamError("INVALID_ARGUMENT", `Unknown producer event ${event}`);
  };
  return {
    on(event, listener) {
      const set = listeners(event);
      set.add(listener);
      return () => set.delete(listener);
    },
    off(event, listener) {
      listeners(event).delete(listener);
    },
    changed() {
      // Called on every append: without listeners, it allocates nothing.
      if (changeListeners.size === 0) return;
      for (const listener of [...changeListeners]) notify(listener);
    },
    failed(error, info) {
      if (errorListeners.size === 0) {
        console.error(`[react-durable-streams] producer ${producerId}: batch failed`, info, error);
      }
      for (const listener of [...errorListeners]) notify(() => listener(error, info));
    },
  };
}
