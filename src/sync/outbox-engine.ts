import type { DurableStreamClient, UndeliveredError } from "../client/index.js";
import type { ProducerHost } from "../client/producer-options.js";
import { adoptOrphans, holdProducerId } from "./outbox-locks.js";
import { replayRecords } from "./outbox-replay.js";
import { memoryOutboxStore, type OutboxRecord, type OutboxStore } from "./outbox-store.js";

/** What re-sending an earlier page's messages reports back to the producer that asked. */
export interface ResendJob {
  readonly host: ProducerHost;
  readonly producerId: string;
  /** This page's records carry it: they are not an earlier page's. */
  readonly pageStamp: number;
  readonly signal: AbortSignal;
  /** The earlier records not yet settled, as they stand (for `pending`). */
  show(records: readonly OutboxRecord[]): void;
  undelivered(error: UndeliveredError): void;
}

/**
 * What the provider's `outbox` takes (`indexedDbOutbox()`, `memoryOutbox()`,
 * or `durableOutbox(yourStore)`): where durable producers store their
 * messages, and the code that sends them again. Apps without one do not
 * bundle that code.
 */
export interface Outbox {
  readonly store: OutboxStore;
  /**
   * Once this tab holds the producer id, re-sends what earlier pages of it
   * left for the stream, under their original numbering.
   */
  resend(job: ResendJob): Promise<void>;
  /**
   * Sets out to adopt the outboxes of tabs that are gone: now, and whenever
   * the network returns (once per client; later calls do nothing).
   */
  adopt(client: DurableStreamClient, undelivered: (error: UndeliveredError) => void): void;
}

/** An {@link Outbox} over any {@link OutboxStore}. */
export function durableOutbox(store: OutboxStore): Outbox {
  const adopting = new WeakSet<DurableStreamClient>();
  return {
    store,
    async resend({ host, producerId, pageStamp, signal, show, undelivered }) {
      await holdProducerId(producerId);
      let earlier = (await store.records()).filter(
        (record) =>
          record.producerId === producerId &&
          record.url === host.url &&
          record.order[0] !== pageStamp,
      );
      show(earlier);
      if (earlier.length === 0) return;
      const drop = (records: readonly OutboxRecord[]) => {
        earlier = earlier.filter((record) => !records.includes(record));
        show(earlier);
      };
      await replayRecords({
        store,
        host,
        producerId,
        records: earlier,
        signal,
        onDelivered: drop,
        onUndelivered(error, records) {
          drop(records);
          undelivered(error);
        },
      });
    },
    adopt(client, undelivered) {
      if (adopting.has(client)) return;
      adopting.add(client);
      const run = () => void adoptOrphans(store, client, undelivered).catch(() => undefined);
      run();
      // A tab closed while offline leaves its outbox to the tabs still open.
      if (typeof window !== "undefined") window.addEventListener("online", run);
    },
  };
}

/**
 * A durable outbox in memory: what a producer has not delivered survives its
 * unmount and remount, not a reload. For tests, stories and servers.
 */
export function memoryOutbox(): Outbox {
  return durableOutbox(memoryOutboxStore());
}
