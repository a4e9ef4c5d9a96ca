import { promisifyRequest, type UseStore } from "idb-keyval";
import { shouldReplace, type CheckpointRecord } from "../sync/index.js";

/**
 * Urgent writes (a closing page's) cannot read before they write, so they do
 * not overwrite the shared record, which another tab may have moved further
 * along meanwhile: each page puts its urgent record under a key of its own,
 * `[key, pageId]`. Reading a key folds those slots into the shared record
 * (keeping whichever is furthest along) and clears them, in one transaction,
 * so the record never moves backwards, whichever tab wrote last.
 */

/** The urgent slots of `key`: every `[key, pageId]`. */
function slotRange(key: string): IDBKeyRange {
  return IDBKeyRange.bound([key, ""], [key, "\uffff"]);
}

/**
 * Whether `slot` may replace `shared`: there is none; or it is of the same
 * stream and version and not behind; or, of another stream or reducer
 * version, it was saved later (as a plain write, the last one wins then).
 */
function isFurther(shared: CheckpointRecord | undefined, slot: CheckpointRecord): boolean {
  if (!shared) return true;
  if (shared.url !== slot.url || shared.version !== slot.version) {
    return slot.savedAt >= shared.savedAt;
  }
  return shouldReplace(shared, slot);
}

/**
 * Puts the record in this page's slot and commits without waiting for
 * anything: with the database open, the request is made in the current task
 * (idb-keyval hands over the store in a microtask of it).
 */
export function putUrgent(
  withStore: UseStore,
  key: string,
  pageId: string,
  record: CheckpointRecord,
): Promise<void> {
  return withStore("readwrite", (store) => {
    store.put(record, [key, pageId]);
    store.transaction.commit?.();
    return promisifyRequest(store.transaction).then(() => undefined);
  });
}

/** The key's record with every urgent slot folded in (and cleared), in one transaction. */
export function getFolded(withStore: UseStore, key: string): Promise<CheckpointRecord | undefined> {
  return withStore("readwrite", (store) => {
    let best: CheckpointRecord | undefined;
    const shared = store.get(key);
    const slots = store.getAll(slotRange(key));
    // Requests of one transaction complete in order: the shared record is there first.
    slots.onsuccess = () => {
      best = shared.result as CheckpointRecord | undefined;
      const found = slots.result as CheckpointRecord[];
      if (found.length === 0) return;
      const before = best;
      for (const slot of found) if (isFurther(best, slot)) best = slot;
      if (best !== before) store.put(best, key);
      store.delete(slotRange(key));
    };
    return promisifyRequest(store.transaction).then(() => best);
  });
}

/** Deletes the key's record and its urgent slots, in one transaction. */
export function deleteWithSlots(withStore: UseStore, key: string): Promise<void> {
  return withStore("readwrite", (store) => {
    store.delete(key);
    store.delete(slotRange(key));
    return promisifyRequest(store.transaction).then(() => undefined);
  });
}
