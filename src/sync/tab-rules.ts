import { compareOffsets, type Offset } from "../client/index.js";
import type { DurableStreamStatus } from "./status.js";

/**
 * A view's part in cross-tab sharing: `leads` (this tab reads the stream for
 * every tab), `follows` (another tab reads; this one folds its batches), or
 * `alone` (not shared: sharing off or unsupported, or not running).
 */
export type TabRole = "leads" | "follows" | "alone";

/** The parts of a batch's metadata that travel between tabs. */
export interface SharedBatchMeta {
  readonly offset: Offset;
  readonly cursor: string | undefined;
  readonly upToDate: boolean;
  readonly closed: boolean;
}

/** A failure as it travels between tabs (error classes do not survive structured cloning). */
export interface SharedError {
  readonly name: string;
  readonly message: string;
}

/**
 * What the tabs of one shared view say to each other over BroadcastChannel.
 * The leader sends batches, its status and resets; every tab sends its
 * presence; the leader hands its role to a visible tab by name.
 */
export type TabMessage =
  /** Items the leader folded, read from `from` up to `meta.offset` (one whole answer, never a piece). */
  | {
      readonly t: "batch";
      readonly from: Offset;
      readonly items: unknown[];
      readonly meta: SharedBatchMeta;
    }
  /** The leader's status changed (or a tab joined and needs to hear it). */
  | {
      readonly t: "status";
      readonly status: DurableStreamStatus;
      readonly error: SharedError | undefined;
      readonly retryAt: number | undefined;
    }
  /** The leader dropped its state and reads from the beginning (offset gone, stream recreated). */
  | { readonly t: "reset" }
  /** A tab's visibility, on start and on each change; `gone` when it leaves; `ask`: the others answer with theirs. */
  | {
      readonly t: "presence";
      readonly tab: string;
      readonly visible: boolean;
      readonly gone: boolean;
      readonly ask: boolean;
    }
  /** The hidden leader asks the tab `to` to take over. */
  | { readonly t: "handover"; readonly to: string }
  /** A following tab's view asks the leader to skip its reconnect wait, or to leave its error. */
  | { readonly t: "retry" };

/**
 * What a following tab does with a batch the leader sent, given the offset
 * its own state has reached (`undefined`: nothing yet, the beginning). Pure:
 * - `apply`: the batch starts exactly where this tab stands;
 * - `skip`: this tab already holds everything in it (a new leader resending
 *   what it had, or an answer this tab caught up past on its own);
 * - `resync`: a gap, or an overlap that cannot be split: this tab catches up
 *   from its own offset with plain reads, then follows again.
 */
export function followAction(
  position: Offset | undefined,
  from: Offset,
  to: Offset,
): "apply" | "skip" | "resync" {
  const here = position ?? "-1";
  if (from === here) return "apply";
  if (compareOffsets(to, here) <= 0) return "skip";
  return "resync";
}

/**
 * Which tab the leader hands its role to: none while the leader is visible
 * (or nobody else is), else the first visible one it knows of. Pure.
 */
export function handoverTarget(
  leaderVisible: boolean,
  visibleTabs: Iterable<string>,
): string | undefined {
  if (leaderVisible) return undefined;
  for (const tab of visibleTabs) return tab;
  return undefined;
}

/** Whether a change of the leader's snapshot is worth telling the other tabs. */
export function statusChanged(
  before: { status: DurableStreamStatus; error: Error | undefined; retryAt: number | undefined },
  after: { status: DurableStreamStatus; error: Error | undefined; retryAt: number | undefined },
): boolean {
  return (
    before.status !== after.status ||
    before.error !== after.error ||
    before.retryAt !== after.retryAt
  );
}

/** An error as it is sent to other tabs, and as they rebuild it. */
export function toSharedError(error: Error | undefined): SharedError | undefined {
  return error === undefined ? undefined : { name: error.name, message: error.message };
}

export function fromSharedError(error: SharedError | undefined): Error | undefined {
  if (error === undefined) return undefined;
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  return rebuilt;
}
