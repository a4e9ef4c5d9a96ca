import type { Offset } from "../client/index.js";
import type { DurableStreamStatus } from "./status.js";
import { followAction, fromSharedError, type SharedBatchMeta } from "./tab-rules.js";
import type { TabShare } from "./tab-share.js";

/** What a following tab's session lets the follower loop do to it. */
export interface FollowingView {
  /** The offset the view's consistent state has reached; undefined at the beginning. */
  position(): Offset | undefined;
  /** Folds a batch the leader read (through this tab's own reducer). */
  apply(items: unknown[], meta: SharedBatchMeta): void;
  /** Shows the leader's status. */
  mirror(status: DurableStreamStatus, error: Error | undefined, retryAt: number | undefined): void;
  /** Drops the state: the leader reads from the beginning. */
  reset(): void;
}

/**
 * How following ended: this tab now leads; it must catch up on its own
 * (a gap); the stream closed; or the session stopped.
 */
export type FollowOutcome = "lead" | "resync" | "closed" | "stopped";

/**
 * Follows the leader: folds each batch that starts where the view stands,
 * skips what it already holds, and stops at a gap. The driver of
 * {@link followAction}; the session decides what comes next.
 */
export async function followLeader(
  share: TabShare,
  view: FollowingView,
  signal: AbortSignal,
): Promise<FollowOutcome> {
  for (;;) {
    const message = await share.next(signal);
    if (message === undefined) return "stopped";
    if (message === "lead") return "lead";
    if (message.t === "batch") {
      const action = followAction(view.position(), message.from, message.meta.offset);
      if (action === "resync") return "resync";
      if (action === "apply") {
        view.apply(message.items, message.meta);
        if (message.meta.closed) return "closed";
      }
    } else if (message.t === "status") {
      view.mirror(message.status, fromSharedError(message.error), message.retryAt);
    } else if (message.t === "reset") {
      view.reset();
    }
  }
}
