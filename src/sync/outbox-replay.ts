import { DurableStreamError, SequenceGapError, UndeliveredError } from "../client/index.js";
import type { ProducerHost } from "../client/producer-options.js";
import { resendBatch } from "../client/producer-replay.js";
import { replayPlan } from "./outbox-plan.js";
import type { OutboxRecord, OutboxStore } from "./outbox-store.js";

/** What re-sending one producer id's records of one stream needs. */
export interface ReplayJob {
  readonly store: OutboxStore;
  readonly host: ProducerHost;
  readonly producerId: string;
  /** The records of that producer id and stream, from earlier pages. */
  readonly records: readonly OutboxRecord[];
  readonly signal?: AbortSignal | undefined;
  /** These records are in the stream now (stored, or found there already). */
  onDelivered?(records: readonly OutboxRecord[]): void;
  /** These could not be delivered; they are out of the store, in the error. */
  onUndelivered?(error: UndeliveredError, records: readonly OutboxRecord[]): void;
}

/**
 * Sends the records again, batch after batch ({@link replayPlan}): a batch
 * numbered before goes out under its epoch and sequence, so the server drops
 * it if it has it; one never numbered is numbered and stored first. Waits
 * out network failures (offline, for the network). A refusal (fenced, closed,
 * gone, a gap) ends it: that batch and every later one are reported
 * undelivered and removed, since none can be stored under this numbering.
 * Resolves when everything is settled or `signal` aborts.
 */
export async function replayRecords(job: ReplayJob): Promise<void> {
  const { store, host, producerId, signal } = job;
  const cursor = await store.cursor(producerId, host.url);
  const plan = replayPlan(job.records, cursor);
  for (let index = 0; index < plan.length; index++) {
    const batch = plan[index]!;
    const { epoch, seq } = batch;
    if (signal?.aborted) return;
    if (batch.numberedNow) {
      const put = batch.records.map((record) => ({ ...record, epoch, seq }));
      await store.write({ put, cursors: [{ producerId, url: host.url, epoch, nextSeq: seq + 1 }] });
    }
    const messages = batch.records.map((record) => record.message);
    let refusal: DurableStreamError | undefined;
    try {
      const outcome = await resendBatch(host, producerId, { epoch, seq, messages }, { signal });
      if (outcome.kind === "refused") refusal = outcome.error;
      // Sent alone and in order, an early arrival means an earlier batch is missing for good.
      else if (outcome.kind === "early") {
        refusal = new SequenceGapError(host.url, outcome.expectedSeq, outcome.receivedSeq);
      }
    } catch (error) {
      // Stopped, or a failure that is not the server's refusal: the records stay for later.
      if (signal?.aborted || !(error instanceof DurableStreamError) || error.retryable) return;
      refusal = error;
    }
    if (refusal === undefined) {
      await store.write({ remove: batch.records });
      job.onDelivered?.(batch.records);
      continue;
    }
    const rest = plan.slice(index).flatMap((later) => later.records);
    await store.write({ remove: rest });
    const undelivered = rest.map((record) => record.message);
    job.onUndelivered?.(new UndeliveredError(host.url, producerId, undelivered, refusal), rest);
    return;
  }
}
