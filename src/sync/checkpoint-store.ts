import { compareOffsets, type Offset } from "../client/index.js";

/**
 * One saved position of a live view: the reduced state and the offset and
 * cursor it corresponds to, written together so they can never disagree.
 */
export interface CheckpointRecord<State = unknown> {
  /** The stream URL the record belongs to (a key could be reused for another stream). */
  readonly url: string;
  /** The reducer's version; a record from another version is discarded. */
  readonly version: string;
  readonly state: State;
  readonly offset: Offset;
  readonly cursor: string | undefined;
  /** The stream was closed at this offset: nothing more will come. */
  readonly closed: boolean;
  /** Milliseconds since the epoch, for diagnostics. */
  readonly savedAt: number;
}

/** Options of {@link CheckpointStore.put}. */
export interface CheckpointPutOptions {
  /**
   * The page is going away (`pagehide`, or hidden and maybe never shown
   * again): start the write within the current task and commit it at once,
   * because a closing page runs no later task. A store may skip its
   * read-before-write for this; see {@link CheckpointStore.put}.
   */
  urgent?: boolean;
}

/** Where checkpoints live: IndexedDB (`react-durable-streams/idb`), memory, or your own. */
export interface CheckpointStore {
  /** A short name for diagnostics, such as `"indexeddb"` or `"memory"`. */
  readonly kind: string;
  get(key: string): Promise<CheckpointRecord | undefined>;
  /**
   * Writes the record in one operation unless the stored one, for the same
   * stream and version, is further along: a checkpoint never moves backwards,
   * even when two tabs write it.
   *
   * An `urgent` write may skip reading the stored record (IndexedDB cannot
   * read and then write before a closing page is gone); such a store still
   * refuses to go behind what this page itself has read or written, but may
   * go behind another tab's newer write. The record stays consistent (state,
   * offset and cursor together), so the cost is only re-reading that stretch.
   */
  put(key: string, record: CheckpointRecord, options?: CheckpointPutOptions): Promise<void>;
  delete(key: string): Promise<void>;
}

/** What decides whether one checkpoint record may replace another. */
export type CheckpointPosition = Pick<CheckpointRecord, "url" | "version" | "offset">;

/**
 * Whether `next` may replace `stored`: always for another stream or version,
 * otherwise only when it is not behind.
 */
export function shouldReplace(
  stored: CheckpointPosition | undefined,
  next: CheckpointPosition,
): boolean {
  if (!stored || stored.url !== next.url || stored.version !== next.version) return true;
  return compareOffsets(next.offset, stored.offset) >= 0;
}

/** A checkpoint store in memory: lost on reload, shared by everything in this page. */
export function memoryCheckpoints(): CheckpointStore {
  const records = new Map<string, CheckpointRecord>();
  return {
    kind: "memory",
    async get(key) {
      return records.get(key);
    },
    async put(key, record) {
      if (shouldReplace(records.get(key), record)) records.set(key, record);
    },
    async delete(key) {
      records.delete(key);
    },
  };
}
