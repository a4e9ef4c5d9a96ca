import {
  memoryCheckpoints,
  type CheckpointRecord,
  type CheckpointStore,
} from "../../src/sync/index.js";

/** One put as it reached the store. */
export interface RecordedPut {
  readonly key: string;
  readonly record: CheckpointRecord;
  /** Sent as an urgent write (a closing page's). */
  readonly urgent: boolean;
}

/**
 * A store wrapper (around a memory store by default) that records every put
 * and delete as it is called, passing each on unchanged, options included.
 */
export function countingStore(inner: CheckpointStore = memoryCheckpoints()): {
  store: CheckpointStore;
  puts: RecordedPut[];
  deletes: string[];
} {
  const puts: RecordedPut[] = [];
  const deletes: string[] = [];
  return {
    puts,
    deletes,
    store: {
      get kind() {
        return inner.kind;
      },
      get: (key) => inner.get(key),
      put: (key, record, options) => {
        puts.push({ key, record, urgent: options?.urgent === true });
        return inner.put(key, record, options);
      },
      delete: (key) => {
        deletes.push(key);
        return inner.delete(key);
      },
    },
  };
}
