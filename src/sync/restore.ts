import { compareOffsets, type Offset } from "../client/index.js";
import type { CheckpointRecord, CheckpointStore } from "./checkpoint-store.js";

/** What to do with a stored checkpoint when a view starts. */
export type RestoreDecision =
  | { kind: "use"; record: CheckpointRecord }
  /** Nothing to use; `discard` when the stored record is stale (another stream or reducer version). */
  | { kind: "skip"; discard: boolean };

/**
 * Reads the checkpoint and decides: a record of another stream or reducer
 * version is discarded; server-rendered data further along than the record
 * wins over it.
 */
export async function restoreCheckpoint(
  store: CheckpointStore,
  key: string,
  expected: { url: string; version: string; initialOffset: Offset | undefined },
  onError: (error: unknown) => void,
): Promise<RestoreDecision> {
  let record: CheckpointRecord | undefined;
  try {
    record = await store.get(key);
  } catch (error) {
    onError(error);
    return { kind: "skip", discard: false };
  }
  if (!record) return { kind: "skip", discard: false };
  if (record.url !== expected.url || record.version !== expected.version) {
    return { kind: "skip", discard: true };
  }
  const { initialOffset } = expected;
  if (initialOffset !== undefined && compareOffsets(initialOffset, record.offset) > 0) {
    return { kind: "skip", discard: false };
  }
  return { kind: "use", record };
}
