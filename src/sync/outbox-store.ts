import type { ProducerMessage } from "../client/index.js";

/**
 * One message of a durable producer, stored before it is sent: who appended
 * it, in which order, and once its batch is numbered, the epoch and sequence
 * that batch goes out with (every later send of it carries the same).
 */
export interface OutboxRecord {
  readonly producerId: string;
  /** The stream's absolute URL. */
  readonly url: string;
  /** Append order, unique per producer id: `[page stamp, counter]`. */
  readonly order: readonly [number, number];
  readonly message: ProducerMessage;
  /** The producer's epoch when the message was appended. */
  readonly appendEpoch: number;
  /** The epoch and sequence of the batch it goes out in, once numbered. */
  readonly epoch?: number | undefined;
  readonly seq?: number | undefined;
}

/**
 * Where a producer id's numbering of a stream stood when it last numbered a
 * batch: the epoch and the next sequence. It outlives the records (they go
 * once stored), so that messages never numbered can continue the sequence.
 */
export interface OutboxCursor {
  readonly producerId: string;
  readonly url: string;
  readonly epoch: number;
  readonly nextSeq: number;
}

/** Changes applied together, in one transaction where the store has them. */
export interface OutboxChange {
  readonly put?: readonly OutboxRecord[];
  readonly remove?: readonly OutboxRecord[];
  readonly cursors?: readonly OutboxCursor[];
  /** Cursors to forget: `[producerId, url]` (the id is retired). */
  readonly forget?: readonly (readonly [string, string])[];
}

/** Where durable producers keep their messages until the server has them: IndexedDB (`indexedDbOutbox()`), memory, or your own. */
export interface OutboxStore {
  /** A short name for diagnostics, such as `"indexeddb"` or `"memory"`. */
  readonly kind: string;
  /**
   * Applies a change. Starts within the current task (a closing page runs no
   * later one) and resolves once it is durable.
   */
  write(change: OutboxChange): Promise<void>;
  /** Every record, of every producer id and stream. */
  records(): Promise<OutboxRecord[]>;
  cursor(producerId: string, url: string): Promise<OutboxCursor | undefined>;
}

/** The identity of a record in a store: producer id, stream, order. */
export function outboxKey(record: Pick<OutboxRecord, "producerId" | "url" | "order">): string {
  return JSON.stringify([record.producerId, record.url, record.order]);
}

/** Outbox storage in memory: lost on reload; for tests, servers, and where IndexedDB is missing. */
export function memoryOutboxStore(): OutboxStore {
  const records = new Map<string, OutboxRecord>();
  const cursors = new Map<string, OutboxCursor>();
  return {
    kind: "memory",
    async write(change) {
      for (const record of change.put ?? []) records.set(outboxKey(record), record);
      for (const record of change.remove ?? []) records.delete(outboxKey(record));
      for (const cursor of change.cursors ?? []) {
        cursors.set(JSON.stringify([cursor.producerId, cursor.url]), cursor);
      }
      for (const key of change.forget ?? []) cursors.delete(JSON.stringify(key));
    },
    async records() {
      return [...records.values()];
    },
    async cursor(producerId, url) {
      return cursors.get(JSON.stringify([producerId, url]));
    },
  };
}
