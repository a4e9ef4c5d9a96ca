import type { ProducerMessage, UndeliveredError } from "../client/index.js";
import type { ProducerJournal } from "../client/producer-journal.js";
import type { ProducerHost } from "../client/producer-options.js";
import type { Outbox } from "./outbox-engine.js";
import {
  outboxKey,
  type OutboxCursor,
  type OutboxRecord,
  type OutboxStore,
} from "./outbox-store.js";

/**
 * One producer's outbox: the journal its producer writes to, the messages
 * not yet acknowledged (`pending`), and the re-sending of what earlier pages
 * of the same producer id left for the stream. Internal.
 */
export interface ProducerOutbox {
  readonly journal: ProducerJournal;
  /** Written and not yet acknowledged, in order: earlier pages' first. Same array until it changes. */
  readonly pending: readonly ProducerMessage[];
  /**
   * Re-sends what earlier pages left (durable only), once this tab holds the
   * producer id; the producer sends nothing before it is done.
   */
  recover(host: ProducerHost, signal: AbortSignal): void;
  /** The producer is detaching: what it has not delivered stays stored for the next page. */
  keep(): void;
}

/** What an outbox reports to its owner. */
export interface OutboxEvents {
  /** `pending` changed. */
  changed(): void;
  /** Earlier pages' messages could not be delivered (see {@link UndeliveredError}). */
  undelivered(error: UndeliveredError): void;
}

/** A coalescing writer: every change made in one task goes to the store in one write, started in that task. */
function outboxWriter(store: OutboxStore | undefined) {
  let put = new Map<string, OutboxRecord>();
  let remove = new Map<string, OutboxRecord>();
  let cursors: OutboxCursor[] = [];
  let written: Promise<void> | undefined;
  const flush = (): Promise<void> => {
    const change = { put: [...put.values()], remove: [...remove.values()], cursors };
    put = new Map();
    remove = new Map();
    cursors = [];
    written = undefined;
    return store!.write(change);
  };
  const scheduled = () => (written ??= Promise.resolve().then(flush));
  return {
    put(record: OutboxRecord, cursor?: OutboxCursor): Promise<void> | undefined {
      if (!store) return undefined;
      const key = outboxKey(record);
      remove.delete(key);
      put.set(key, record);
      if (cursor) cursors.push(cursor);
      return scheduled();
    },
    remove(record: OutboxRecord): void {
      if (!store) return;
      const key = outboxKey(record);
      put.delete(key);
      remove.set(key, record);
      void scheduled().catch(() => undefined);
    },
  };
}

/** Where a producer's outbox keeps its own messages, and tells of changes. */
interface JournalState {
  readonly writer: ReturnType<typeof outboxWriter>;
  readonly producerId: string;
  readonly url: string;
  readonly pageStamp: number;
  /** This page's records not yet settled, by journal key, in append order. */
  readonly mine: Map<number, OutboxRecord>;
  readonly changed: () => void;
  /** The producer is detaching: failures keep their records. */
  readonly keeping: () => boolean;
  readonly ready: () => Promise<void> | undefined;
}

/** The journal a producer writes to: every message stored, numbered before it is sent, removed once settled. */
function outboxJournal(state: JournalState): ProducerJournal {
  const { writer, producerId, url, pageStamp, mine, changed } = state;
  let counter = 0;
  const settle = (keys: readonly number[]) => {
    for (const key of keys) {
      const record = mine.get(key);
      if (!record) continue;
      mine.delete(key);
      writer.remove(record);
    }
    changed();
  };
  return {
    ready: state.ready,
    appended(message, epoch) {
      const key = counter++;
      const record: OutboxRecord = {
        producerId,
        url,
        order: [pageStamp, key],
        message,
        appendEpoch: epoch,
      };
      mine.set(key, record);
      void writer.put(record)?.catch(() => undefined);
      changed();
      return key;
    },
    assigned(keys, epoch, seq) {
      let written: Promise<void> | undefined;
      const cursor = { producerId, url, epoch, nextSeq: seq + 1 };
      for (const key of keys) {
        const record = mine.get(key);
        if (!record) continue;
        const numbered = { ...record, epoch, seq };
        mine.set(key, numbered);
        written = writer.put(numbered, cursor);
      }
      return written;
    },
    acknowledged: settle,
    failed(keys) {
      // A detaching producer's failures are its stop: the next page sends them.
      if (!state.keeping()) settle(keys);
    },
  };
}

/**
 * The outbox of `producerId` on the stream at `url`, kept in `outbox` (none:
 * in memory only, for `pending`). `pageStamp` tells this page's records from
 * earlier pages'.
 */
export function producerOutbox(
  outbox: Outbox | undefined,
  producerId: string,
  url: string,
  pageStamp: number,
  events: OutboxEvents,
): ProducerOutbox {
  const mine = new Map<number, OutboxRecord>();
  let recovered: readonly OutboxRecord[] = [];
  let keeping = false;
  let recovering: Promise<void> | undefined;
  // Made when read, not on every append: a burst of appends would copy it once per message.
  let pending: readonly ProducerMessage[] | undefined = [];
  const changed = () => {
    pending = undefined;
    events.changed();
  };
  const journal = outboxJournal({
    writer: outboxWriter(outbox?.store),
    producerId,
    url,
    pageStamp,
    mine,
    changed,
    keeping: () => keeping,
    ready: () => recovering,
  });

  return {
    journal,
    get pending() {
      return (pending ??= [...recovered, ...mine.values()].map((record) => record.message));
    },
    recover(host, signal) {
      if (!outbox || recovering) return;
      const show = (records: readonly OutboxRecord[]) => {
        recovered = records;
        changed();
      };
      const { undelivered } = events;
      const job = { host, producerId, pageStamp, signal, show, undelivered };
      // Stopped before it was done (the producer detaches): the producer must send
      // nothing, or its new epoch would fence what is left; the rejection halts it.
      const stopped = () => signal.throwIfAborted();
      const done = outbox.resend(job).then(stopped, stopped);
      recovering = done;
      done.then(
        () => (recovering = undefined),
        () => undefined,
      );
    },
    keep() {
      keeping = true;
    },
  };
}
