import type { LockManagerLike } from "./tab-share.js";

/** This tab's hold on a share's Web Lock: waiting in its queue, holding it, or neither. */
export interface LeadLock {
  /** While this tab holds the lock (and has not let go): aborts when it stops leading. */
  readonly signal: AbortSignal | undefined;
  /** Queues for the lock, or steals it (the leader handed over); nothing while held, paused or closed. */
  want(steal?: boolean): void;
  /** Lets go of a held lock and stops queueing (a frozen tab) until `resume()`. */
  pause(): void;
  resume(): void;
  close(): void;
}

/**
 * The lock `name` for one tab. `onLead` is called when it is granted. When
 * the lock is stolen (handed over) or let go, the tab queues again at once,
 * unless paused or closed. The browser releases the lock of a tab that
 * closes or crashes, so the next tab in the queue is granted it.
 */
export function leadLock(locks: LockManagerLike, name: string, onLead: () => void): LeadLock {
  let closed = false;
  let paused = false;
  let lead: AbortController | undefined;
  let queued: AbortController | undefined;

  const want = (steal = false) => {
    if (closed || paused || lead) return;
    queued?.abort();
    const request = new AbortController();
    queued = request;
    let held: AbortController | undefined;
    const granted = () => {
      if (queued === request) queued = undefined;
      if (closed || paused || request.signal.aborted) return Promise.resolve();
      const mine = new AbortController();
      held = lead = mine;
      onLead();
      return new Promise<void>((resolve) => {
        mine.signal.addEventListener("abort", () => resolve(), { once: true });
      });
    };
    // A steal cannot wait in the queue, so it takes no signal.
    const options = steal ? { steal: true } : { signal: request.signal };
    locks
      .request(name, options, granted)
      .catch(() => undefined)
      .then(() => {
        if (queued === request) queued = undefined;
        if (!held) return;
        // Stolen (handed over), or let go: follow, and queue up again.
        if (lead === held) lead = undefined;
        held.abort();
        want();
      });
  };

  return {
    get signal() {
      // Let go but not yet released: no longer leading.
      return lead && !lead.signal.aborted ? lead.signal : undefined;
    },
    want,
    pause() {
      paused = true;
      lead?.abort();
    },
    resume() {
      paused = false;
      want();
    },
    close() {
      closed = true;
      queued?.abort();
      lead?.abort();
      lead = undefined;
    },
  };
}
