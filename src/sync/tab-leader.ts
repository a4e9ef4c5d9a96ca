import type { ChunkMeta, Offset } from "../client/index.js";
import type { StreamSnapshot } from "./status.js";
import { statusChanged, toSharedError } from "./tab-rules.js";
import type { TabShare } from "./tab-share.js";

type StatusFields = Pick<StreamSnapshot<unknown>, "status" | "error" | "retryAt">;

/**
 * What a leading tab tells the others about its view. Every call does
 * nothing while the tab follows, so the session calls it unconditionally.
 */
export interface LeaderVoice {
  /** A read (re)starts: the pieces of an unfinished answer are dropped (the read repeats it). */
  readStarted(): void;
  /** An answer (or a piece of one) folded from `from`; pieces are sent once the answer is whole. */
  batch(from: Offset, items: readonly unknown[], meta: ChunkMeta): void;
  /** The snapshot changed: its status goes out when it differs from `previous` (always without one). */
  status(next: StatusFields, previous?: StatusFields): void;
  /** The view dropped its state to read from the beginning. */
  reset(): void;
}

export function leaderVoice(share: TabShare): LeaderVoice {
  let pieces: unknown[] = [];
  const leads = () => share.leadSignal !== undefined;
  return {
    readStarted() {
      pieces = [];
    },
    batch(from, items, meta) {
      if (!leads()) return;
      if (meta.partial) {
        for (const item of items) pieces.push(item);
        return;
      }
      const whole = pieces.length > 0 ? pieces.concat(items) : [...items];
      pieces = [];
      const { offset, cursor, upToDate, closed } = meta;
      share.post({ t: "batch", from, items: whole, meta: { offset, cursor, upToDate, closed } });
    },
    status(next, previous) {
      if (!leads() || (previous && !statusChanged(previous, next))) return;
      const { status, error, retryAt } = next;
      share.post({ t: "status", status, error: toSharedError(error), retryAt });
    },
    reset() {
      if (leads()) share.post({ t: "reset" });
    },
  };
}
