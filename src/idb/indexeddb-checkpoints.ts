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
  const fallback = memoryCheckpoints();
  // Names this page's urgent slots: unique per store, so no two pages share one.
  const pageId = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  // Where the furthest record this page has read or written per key stands (not
  // its state, which may be large): what an urgent write, which cannot read first,
  // checks itself against.
  const known = new Map<string, CheckpointPosition>();
  const remember = (key: string, record: CheckpointRecord | undefined): void => {
    if (!record || !shouldReplace(known.get(key), record)) return;
    known.set(key, { url: record.url, version: record.version, offset: record.offset });
  };
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
          const record = await getFolded(idb(), key);
          remember(key, record);
          return record;
        } catch (error) {
          degrade(error);
        }
      }
      return memory().get(key);
    },
    async put(key, record, putOptions) {
      if (!failed) {
        try {
          if (putOptions?.urgent) {
            if (!shouldReplace(known.get(key), record)) return;
            remember(key, record);
            await putUrgent(idb(), key, pageId, record);
          } else {
            let written = record;
            await update<CheckpointRecord>(
              key,
              (stored) => (written = shouldReplace(stored, record) ? record : stored!),
              idb(),
            );
            remember(key, written);
          }
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
          known.delete(key);
          await deleteWithSlots(idb(), key);
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
