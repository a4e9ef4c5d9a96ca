import type { Offset, ProducerMessage } from "../client/index.js";

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
  /**
   * The messages written and not yet acknowledged, in order (with a durable
   * producer, an earlier page's first): show them as pending in a view.
   */
  readonly pending: readonly ProducerMessage[];
}

/** What a snapshot reads off a producer (an `IdempotentProducer` has all of it). */
export interface ProducerFacts {
  readonly stopped: boolean;
  readonly pendingCount: number;
  readonly inFlightCount: number;
  readonly lastOffset: Offset | undefined;
  readonly epoch: number;
  readonly pending: readonly ProducerMessage[];
}

/** A producer before it exists (server rendering, before the first subscribe). */
export const IDLE_PRODUCER: ProducerSnapshot = {
  status: "idle",
  error: undefined,
  pendingCount: 0,
  inFlightCount: 0,
  lastOffset: undefined,
  epoch: 0,
  pending: [],
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
  const { stopped, pendingCount, inFlightCount, lastOffset, epoch, pending } = facts;
  // An earlier page's messages being sent again count as busy too.
  const busy = pendingCount + inFlightCount + pending.length > 0;
  const status = stopped ? "stopped" : error && !busy ? "error" : busy ? "sending" : "idle";
  const same =
    previous.status === status &&
    previous.error === error &&
    previous.pendingCount === pendingCount &&
    previous.inFlightCount === inFlightCount &&
    previous.lastOffset === lastOffset &&
    previous.epoch === epoch &&
    previous.pending === pending;
  return same
    ? previous
    : { status, error, pendingCount, inFlightCount, lastOffset, epoch, pending };
}
