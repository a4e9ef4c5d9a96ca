import type { OutboxCursor, OutboxRecord } from "./outbox-store.js";

/** One batch an outbox re-sends: its epoch and sequence, and its records in order. */
export interface PlannedBatch {
  readonly epoch: number;
  readonly seq: number;
  readonly records: readonly OutboxRecord[];
  /** Numbered only now: its numbering must be stored before it is sent. */
  readonly numberedNow: boolean;
}

/** Messages per batch that was never numbered, at most. */
export const REPLAY_BATCH_MESSAGES = 500;

const byOrder = (a: OutboxRecord, b: OutboxRecord) =>
  a.order[0] - b.order[0] || a.order[1] - b.order[1];

/**
 * How one producer id's records of one stream are sent again (pure: tested
 * as a table). Batches that were numbered go first, in (epoch, sequence)
 * order, each exactly as it was numbered, so the server drops the ones it
 * stored. Records never numbered were never sent: they follow in append
 * order, numbered after the highest of the cursor and those batches, in
 * their append epoch if that is higher (then from sequence 0), in batches
 * of at most `maxMessages`.
 */
export function replayPlan(
  records: readonly OutboxRecord[],
  cursor: Pick<OutboxCursor, "epoch" | "nextSeq"> | undefined,
  maxMessages = REPLAY_BATCH_MESSAGES,
): PlannedBatch[] {
  const numbered = new Map<string, OutboxRecord[]>();
  const fresh: OutboxRecord[] = [];
  for (const record of [...records].sort(byOrder)) {
    if (record.epoch === undefined || record.seq === undefined) fresh.push(record);
    else {
      const key = `${record.epoch}:${record.seq}`;
      const group = numbered.get(key);
      if (group) group.push(record);
      else numbered.set(key, [record]);
    }
  }
  const plan: PlannedBatch[] = [...numbered.values()]
    .map((group) => ({
      epoch: group[0]!.epoch!,
      seq: group[0]!.seq!,
      records: group,
      numberedNow: false,
    }))
    .sort((a, b) => a.epoch - b.epoch || a.seq - b.seq);
  if (fresh.length === 0) return plan;
  let next = cursor ? { epoch: cursor.epoch, seq: cursor.nextSeq } : undefined;
  const last = plan[plan.length - 1];
  if (last && (!next || isAfter(last, next))) next = { epoch: last.epoch, seq: last.seq + 1 };
  const appendEpoch = Math.max(...fresh.map((record) => record.appendEpoch));
  if (!next || appendEpoch > next.epoch) next = { epoch: appendEpoch, seq: 0 };
  for (let start = 0; start < fresh.length; start += maxMessages) {
    const batchRecords = fresh.slice(start, start + maxMessages);
    plan.push({ epoch: next.epoch, seq: next.seq++, records: batchRecords, numberedNow: true });
  }
  return plan;
}

/** Whether batch (epoch, seq) comes at or after the position (epoch, seq) where numbering would go on. */
function isAfter(batch: { epoch: number; seq: number }, next: { epoch: number; seq: number }) {
  return batch.epoch > next.epoch || (batch.epoch === next.epoch && batch.seq >= next.seq);
}
