import { createStore, get, promisifyRequest, values, type UseStore } from "idb-keyval";
import {
  durableOutbox,
  memoryOutboxStore,
  type Outbox,
  type OutboxChange,
  type OutboxCursor,
  type OutboxRecord,
  type OutboxStore,
} from "../sync/index.js";

/** Options of {@link indexedDbOutbox}. */
export interface IndexedDbOutboxOptions {
  /** Database name. Default `"react-durable-streams-outbox"`. */
  database?: string;
  /** Called once if IndexedDB is unusable and the outbox falls back to memory. */
  onFallback?: (error: unknown) => void;
}

type Stored =
  | { readonly kind: "record"; readonly record: OutboxRecord }
  | {
      readonly kind: "cursor";
      readonly cursor: OutboxCursor;
    };

const recordKey = (record: OutboxRecord): IDBValidKey => [
  "record",
  record.producerId,
  record.url,
  record.order[0],
  record.order[1],
];
const cursorKey = (producerId: string, url: string): IDBValidKey => ["cursor", producerId, url];

/**
 * The durable producers' outbox in IndexedDB, for the provider's `outbox`
 * prop (see {@link indexedDbOutboxStore}).
 */
export function indexedDbOutbox(options: IndexedDbOutboxOptions = {}): Outbox {
  return durableOutbox(indexedDbOutboxStore(options));
}

/**
 * An {@link OutboxStore} in IndexedDB (through idb-keyval, in a database of
 * its own): durable producers' messages, and where each producer id's
 * numbering stands, until the server has them. Every change is one
 * transaction, started in the task that made it (a closing page runs no
 * later task) and committed at once. Where IndexedDB is missing or fails
 * (private browsing, quota) it falls back to memory and says so once, on
 * first use: `kind` then reads `"memory"`, and writes survive only as long
 * as the page.
 */
function indexedDbOutboxStore(options: IndexedDbOutboxOptions): OutboxStore {
  const fallback = memoryOutboxStore();
  let failed = typeof indexedDB === "undefined";
  let reported = false;
  let store: UseStore | undefined;
  const idb = () =>
    (store ??= createStore(options.database ?? "react-durable-streams-outbox", "outbox"));
  const degrade = (error: unknown): OutboxStore => {
    failed = true;
    if (!reported) {
      reported = true;
      if (options.onFallback) options.onFallback(error);
      else
        console.warn(
          "[react-durable-streams] IndexedDB is unavailable; durable writes are kept in memory only",
          error,
        );
    }
    return fallback;
  };
  const attempt = async <T>(
    operation: () => Promise<T>,
    inMemory: (memory: OutboxStore) => Promise<T>,
  ): Promise<T> => {
    if (failed) return inMemory(degrade(new Error("indexedDB is not defined")));
    try {
      return await operation();
    } catch (error) {
      // A message IndexedDB cannot clone is that write's fault, not the database's.
      if ((error as { name?: unknown } | null)?.name === "DataCloneError") throw error;
      return inMemory(degrade(error));
    }
  };

  return {
    get kind() {
      return failed ? "memory" : "indexeddb";
    },
    write: (change) =>
      attempt(
        () => idb()("readwrite", (objects) => applyChange(objects, change)),
        (memory) => memory.write(change),
      ),
    records: () =>
      attempt(
        async () =>
          (await values<Stored>(idb())).flatMap((value) =>
            value.kind === "record" ? [value.record] : [],
          ),
        (memory) => memory.records(),
      ),
    cursor: (producerId, url) =>
      attempt(
        async () => {
          const stored = await get<Stored>(cursorKey(producerId, url), idb());
          return stored?.kind === "cursor" ? stored.cursor : undefined;
        },
        (memory) => memory.cursor(producerId, url),
      ),
  };
}

/** One change in one transaction; resolves when it is committed. */
function applyChange(objects: IDBObjectStore, change: OutboxChange): Promise<void> {
  for (const record of change.put ?? []) {
    objects.put({ kind: "record", record } satisfies Stored, recordKey(record));
  }
  for (const record of change.remove ?? []) objects.delete(recordKey(record));
  for (const cursor of change.cursors ?? []) {
    objects.put(
      { kind: "cursor", cursor } satisfies Stored,
      cursorKey(cursor.producerId, cursor.url),
    );
  }
  for (const [producerId, url] of change.forget ?? []) objects.delete(cursorKey(producerId, url));
  const { transaction } = objects;
  // Committed now, not when the page's task ends: a closing page may not get that far.
  transaction.commit?.();
  return promisifyRequest(transaction);
}
