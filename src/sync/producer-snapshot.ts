import type { Offset } from "../client/index.js";

/**
 * Where a producer stands: `sending` while anything is pending or on the
 * wire, `error` when the latest batch failure is the last word (nothing
 * pending), `stopped` once it is detached, closed, fenced or its stream
 * closed, else `idle`.
 */
export type ProducerStatus = "idle" | "sending" | "error" | "stopped";

/** An immutable picture of a producer for a UI; the same object until something in it changes. */
export interface ProducerSnapshot {
  readonly status: ProducerStatus;
  /** The latest batch failure this view heard of. */
  readonly error: Error | undefined;
  readonly pendingCount: number;
  readonly inFlightCount: number;
  readonly lastOffset: Offset | undefined;
  readonly epoch: number;
}

/** What a snapshot reads off a producer (an `IdempotentProducer` has all of it). */
export interface ProducerFacts {
  readonly stopped: boolean;
  readonly pendingCount: number;
  readonly inFlightCount: number;
  readonly lastOffset: Offset | undefined;
  readonly epoch: number;
}

/** A producer before it exists (server rendering, before the first subscribe). */
export const IDLE_PRODUCER: ProducerSnapshot = {
  status: "idle",
  error: undefined,
  pendingCount: 0,
  inFlightCount: 0,
  lastOffset: undefined,
  epoch: 0,
};

/**
 * The snapshot of a producer with these facts and latest failure: `previous`
 * itself when nothing in it changed (useSyncExternalStore compares by
 * identity). Pure: tested as a table.
 */
export function producerSnapshot(
  facts: ProducerFacts,
  error: Error | undefined,
  previous: ProducerSnapshot,
): ProducerSnapshot {
  const { stopped, pendingCount, inFlightCount, lastOffset, epoch } = facts;
  const busy = pendingCount + inFlightCount > 0;
  const status = stopped ? "stopped" : error && !busy ? "error" : busy ? "sending" : "idle";
  const same =
    previous.status === status &&
    previous.error === error &&
    previous.pendingCount === pendingCount &&
    previous.inFlightCount === inFlightCount &&
    previous.lastOffset === lastOffset &&
    previous.epoch === epoch;
  return same ? previous : { status, error, pendingCount, inFlightCount, lastOffset, epoch };
}
