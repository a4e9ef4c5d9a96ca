import type { DurableStreamClient, UndeliveredError } from "../client/index.js";
import { replayRecords } from "./outbox-replay.js";
import type { OutboxRecord, OutboxStore } from "./outbox-store.js";

/** The Web Lock a tab holds for every producer id whose outbox it owns: free means its tab is gone. */
const LOCK_PREFIX = "react-durable-streams:outbox:";

interface LockGrant {
  readonly name: string;
}
interface LockManagerLike {
  request(
    name: string,
    options: { ifAvailable?: boolean },
    callback: (lock: LockGrant | null) => Promise<unknown>,
  ): Promise<unknown>;
}

function lockManager(): LockManagerLike | undefined {
  return (globalThis.navigator as { locks?: LockManagerLike } | undefined)?.locks;
}

/** This page's holds, by producer id: resolved once the lock is granted. */
const holds = new Map<string, Promise<void>>();

/**
 * Takes this page's hold on a producer id's outbox for as long as the page
 * lives (once per id): another tab adopting the id's records, or an earlier
 * page of this tab still going, makes it wait. Resolves once held; at once
 * where there are no Web Locks (every tab is then on its own, and nothing is
 * adopted).
 */
export function holdProducerId(producerId: string): Promise<void> {
  let hold = holds.get(producerId);
  if (!hold) {
    const locks = lockManager();
    hold = locks
      ? new Promise<void>((granted) => {
          void locks
            .request(LOCK_PREFIX + producerId, {}, () => {
              granted();
              return new Promise<never>(() => undefined);
            })
            .catch(() => granted());
        })
      : Promise.resolve();
    holds.set(producerId, hold);
  }
  return hold;
}

/** Groups records by a key, in first-seen order. */
function groupBy(records: readonly OutboxRecord[], key: (record: OutboxRecord) => string) {
  const groups = new Map<string, OutboxRecord[]>();
  for (const record of records) {
    const name = key(record);
    const group = groups.get(name);
    if (group) group.push(record);
    else groups.set(name, [record]);
  }
  return groups;
}

/**
 * Adopts the outboxes of tabs that are gone (closed or crashed: nobody holds
 * their producer id's lock): sends each one's records again under its
 * original id, epoch and sequence, then retires the id (forgets its
 * numbering; no tab uses it again). One adopter per id at a time (it holds
 * the lock meanwhile). Does nothing without Web Locks.
 */
export async function adoptOrphans(
  store: OutboxStore,
  client: DurableStreamClient,
  onUndelivered: (error: UndeliveredError) => void,
): Promise<void> {
  const locks = lockManager();
  if (!locks) return;
  const ids = groupBy(await store.records(), (record) => record.producerId);
  for (const producerId of ids.keys()) {
    if (holds.has(producerId)) continue;
    await locks.request(LOCK_PREFIX + producerId, { ifAvailable: true }, async (lock) => {
      if (!lock) return;
      // Read again under the lock: an earlier adopter may have sent some meanwhile.
      const records = (await store.records()).filter((record) => record.producerId === producerId);
      const streams = groupBy(records, (record) => record.url);
      for (const [url, group] of streams) {
        const { producerHost } = client.stream(url);
        await replayRecords({
          store,
          host: producerHost,
          producerId,
          records: group,
          onUndelivered,
        });
      }
      await store.write({ forget: [...streams.keys()].map((url) => [producerId, url] as const) });
    });
  }
}
