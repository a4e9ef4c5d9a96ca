import { createStore, del, get, update, type UseStore } from "idb-keyval";
import {
  memoryCheckpoints,
  shouldReplace,
  type CheckpointRecord,
  type CheckpointStore,
} from "../sync/index.js";

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
 * write at once. Where IndexedDB is missing or fails (private browsing, quota),
 * it falls back to memory and says so once, on first use (so a server render,
 * which never reads a checkpoint, stays quiet): `kind` then reads `"memory"`.
 * A state IndexedDB cannot clone (functions, for one) fails that write only.
 */
export function indexedDbCheckpoints(options: IndexedDbCheckpointsOptions = {}): CheckpointStore {
  const fallback = memoryCheckpoints();
  let store: UseStore | undefined;
  let failed = typeof indexedDB === "undefined";
  let reported = false;

  const report = (error: unknown): void => {
    if (reported) return;
    reported = true;
    if (options.onFallback) options.onFallback(error);
    else
      console.warn(
        "[react-durable-streams] IndexedDB is unavailable; checkpoints are kept in memory only",
        error,
      );
  };
  const degrade = (error: unknown): void => {
    failed = true;
    report(error);
  };
  // Without IndexedDB at all, say so on first use, not here: on a server render
  // (no IndexedDB, and no checkpoint is ever read) it would be noise on every request.
  const memory = (): CheckpointStore => {
    if (!reported) report(new Error("indexedDB is not defined"));
    return fallback;
  };

  const idb = (): UseStore => {
    store ??= createStore(
      options.database ?? "react-durable-streams",
      options.store ?? "checkpoints",
    );
    return store;
  };

  const result: CheckpointStore = {
    get kind() {
      return failed ? "memory" : "indexeddb";
    },
    async get(key) {
      if (!failed) {
        try {
          return await get<CheckpointRecord>(key, idb());
        } catch (error) {
          degrade(error);
        }
      }
      return memory().get(key);
    },
    async put(key, record) {
      if (!failed) {
        try {
          await update<CheckpointRecord>(
            key,
            (stored) => (shouldReplace(stored, record) ? record : stored!),
            idb(),
          );
          return;
        } catch (error) {
          // A state IndexedDB cannot clone is this record's fault, not the database's:
          // fail this write (the writer reports it) and keep IndexedDB for every other view.
          if (isDataCloneError(error)) throw error;
          degrade(error);
        }
      }
      await memory().put(key, record);
    },
    async delete(key) {
      if (!failed) {
        try {
          await del(key, idb());
          return;
        } catch (error) {
          degrade(error);
        }
      }
      await memory().delete(key);
    },
  };
  return result;
}

function isDataCloneError(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === "DataCloneError";
}
