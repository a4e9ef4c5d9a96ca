import { createStore, update, type UseStore } from "idb-keyval";
import {
  memoryCheckpoints,
  shouldReplace,
  type CheckpointPosition,
  type CheckpointRecord,
  type CheckpointStore,
} from "../sync/index.js";
import { deleteWithSlots, getFolded, putUrgent } from "./urgent-slots.js";

/** Options of {@link indexedDbCheckpoints}. */
export interface IndexedDbCheckpointsOptions {
  /** Database name. Default `"react-durable-streams"`. */
  database?: string;
  /** Object store name. Default `"checkpoints"`. */
  store?: string;
  /** Called once if IndexedDB is unusable and checkpoints fall back to memory. */
  onFallback?: (error: unknown) => void;
}

/**
 * A {@link CheckpointStore} in IndexedDB (through idb-keyval, in a database of
 * its own). Each record (state, offset, cursor, version) is written in one
 * atomic `update`, which keeps the record that is further along when two tabs
 * write at once. An urgent write (the page is closing) is a plain `put`
 * committed in the same task, since a closing page never gets to the write
 * after a read: it goes to a slot of this page's own, folded into the record
 * when the key is next read (see `urgent-slots.ts`), and is skipped when this
 * page has already seen a record that is further along. Where IndexedDB is missing or fails (private browsing, quota),
 * it falls back to memory and says so once, on first use (so a server render,
 * which never reads a checkpoint, stays quiet): `kind` then reads `"memory"`.
 * A state IndexedDB cannot clone (functions, for one) fails that write only.
 */
export function indexedDbCheckpoints(options: IndexedDbCheckpointsOptions = {}): CheckpointStore {
  const health = storeHealth(options.onFallback);
  const known = knownPositions();
  // Names this page's urgent slots: unique per store, so no two pages share one.
  const pageId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  let store: UseStore | undefined;
  const idb = (): UseStore =>
    (store ??= createStore(
      options.database ?? "react-durable-streams",
      options.store ?? "checkpoints",
    ));

  /** `operation` on IndexedDB; on memory once IndexedDB failed. */
  const attempt = async <T>(
    operation: () => Promise<T>,
    inMemory: (memory: CheckpointStore) => Promise<T>,
  ): Promise<T> => {
    if (!health.failed) {
      try {
        return await operation();
      } catch (error) {
        // A state IndexedDB cannot clone is this record's fault, not the database's:
        // fail this write (the writer reports it) and keep IndexedDB for every other view.
        if (isDataCloneError(error)) throw error;
        health.degrade(error);
      }
    }
    return inMemory(health.memory());
  };

  return {
    get kind() {
      return health.failed ? "memory" : "indexeddb";
    },
    get: (key) =>
      attempt(
        async () => {
          const record = await getFolded(idb(), key);
          known.remember(key, record);
          return record;
        },
        (memory) => memory.get(key),
      ),
    put: (key, record, putOptions) =>
      attempt(
        async () => {
          if (!putOptions?.urgent) {
            known.remember(key, await putFurther(idb(), key, record));
          } else if (shouldReplace(known.get(key), record)) {
            known.remember(key, record);
            await putUrgent(idb(), key, pageId, record);
          }
        },
        (memory) => memory.put(key, record),
      ),
    delete: (key) =>
      attempt(
        () => {
          known.forget(key);
          return deleteWithSlots(idb(), key);
        },
        (memory) => memory.delete(key),
      ),
  };
}

/**
 * Whether IndexedDB failed, and the memory store that stands in for it. The
 * fallback is reported once; without IndexedDB at all, on first use, not at
 * once: on a server render (no IndexedDB, and no checkpoint is ever read) it
 * would be noise on every request.
 */
function storeHealth(onFallback: ((error: unknown) => void) | undefined) {
  const fallback = memoryCheckpoints();
  let failed = typeof indexedDB === "undefined";
  let reported = false;
  const report = (error: unknown): void => {
    if (reported) return;
    reported = true;
    if (onFallback) onFallback(error);
    else
      console.warn(
        "[react-durable-streams] IndexedDB is unavailable; checkpoints are kept in memory only",
        error,
      );
  };
  return {
    get failed() {
      return failed;
    },
    degrade(error: unknown): void {
      failed = true;
      report(error);
    },
    memory(): CheckpointStore {
      if (!reported) report(new Error("indexedDB is not defined"));
      return fallback;
    },
  };
}

/**
 * Where the furthest record this page has read or written per key stands (not
 * its state, which may be large): what an urgent write, which cannot read
 * first, checks itself against.
 */
function knownPositions() {
  const known = new Map<string, CheckpointPosition>();
  return {
    get: (key: string) => known.get(key),
    remember(key: string, record: CheckpointRecord | undefined): void {
      if (!record || !shouldReplace(known.get(key), record)) return;
      known.set(key, { url: record.url, version: record.version, offset: record.offset });
    },
    forget: (key: string) => known.delete(key),
  };
}

/**
 * Writes `record` in one atomic `update` unless the stored record is further
 * along (another tab wrote it); returns the record that is stored now.
 */
async function putFurther(
  store: UseStore,
  key: string,
  record: CheckpointRecord,
): Promise<CheckpointRecord> {
  let written = record;
  await update<CheckpointRecord>(
    key,
    (stored) => (written = shouldReplace(stored, record) ? record : stored!),
    store,
  );
  return written;
}

function isDataCloneError(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === "DataCloneError";
}
