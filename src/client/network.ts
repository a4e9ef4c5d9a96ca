/**
 * Whether the host is online, as far as it knows. Browsers (and workers)
 * report it through `navigator.onLine` and the `online`/`offline` events; a
 * read waits for `online` instead of burning its retries against a network
 * that is not there, and reconnects the moment it returns.
 */
export interface NetworkWatcher {
  /** False when the host knows it has no network. */
  online(): boolean;
  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

/** The host's network state, or `undefined` where it has none to tell (Node). */
export function hostNetwork(): NetworkWatcher | undefined {
  const host = globalThis as {
    navigator?: { onLine?: unknown };
    addEventListener?: (type: string, listener: () => void) => void;
    removeEventListener?: (type: string, listener: () => void) => void;
  };
  const { navigator, addEventListener, removeEventListener } = host;
  if (typeof navigator?.onLine !== "boolean" || typeof addEventListener !== "function") {
    return undefined;
  }
  return {
    online: () => navigator.onLine !== false,
    subscribe(listener) {
      addEventListener.call(globalThis, "online", listener);
      addEventListener.call(globalThis, "offline", listener);
      return () => {
        removeEventListener?.call(globalThis, "online", listener);
        removeEventListener?.call(globalThis, "offline", listener);
      };
    },
  };
}

/** Timers cannot wait longer than this (about 24.8 days): a longer wait has no timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Waits `ms` before a retry, but ends the wait the moment the network comes
 * back (a reconnect should not sit out a backoff meant for a failing server).
 * `Infinity` (or anything past a timer's range) waits for the network alone.
 * Rejects with the signal's reason when it aborts.
 */
export function retryWait(
  ms: number,
  signal: AbortSignal | undefined,
  network: NetworkWatcher | undefined,
): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms > MAX_TIMER_MS && network?.online() !== false) return Promise.resolve();
  return new Promise((resolve, reject) => {
    let finished = false;
    // Held in an object: a watcher may call back inside subscribe(), before it returns.
    const watching: { stop?: (() => void) | undefined } = {};
    const finish = () => {
      finished = true;
      clearTimeout(timer);
      watching.stop?.();
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      finish();
      reject(signal!.reason);
    };
    const timer =
      ms > MAX_TIMER_MS
        ? undefined
        : setTimeout(() => {
            finish();
            resolve();
          }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
    watching.stop = network?.subscribe(() => {
      if (!finished && network.online()) {
        finish();
        resolve();
      }
    });
    // A watcher that called back inside subscribe() finished before it could be unsubscribed.
    if (finished) watching.stop?.();
  });
}

/** How often the sleep detector ticks, and how late a tick must be to mean the host slept. */
export interface WakeDetectorOptions {
  /** How often the detector's timer ticks. Default 2 s. */
  intervalMs?: number;
  /** A tick this much later than scheduled means the host was asleep (or the tab frozen). Default 8 s. */
  lateMs?: number;
  /** The clock, for tests. Default `Date.now`. */
  now?: () => number;
}

/**
 * Whether a timer tick came so late that the host must have been asleep: a
 * pure decision, so the threshold is tested as a table.
 */
export function sleptBetween(
  previousTick: number,
  tick: number,
  intervalMs: number,
  lateMs: number,
): boolean {
  return tick - previousTick > intervalMs + lateMs;
}

/**
 * Calls `onWake` when a timer fires far later than scheduled: the machine
 * slept (or the tab was frozen), and a live request from before the sleep is
 * probably dead without knowing it. Returns the stop function. The timer
 * does not keep a Node process alive.
 */
export function watchForWake(onWake: () => void, options: WakeDetectorOptions = {}): () => void {
  const { intervalMs = 2_000, lateMs = 8_000, now = Date.now } = options;
  let previous = now();
  const timer = setInterval(() => {
    const tick = now();
    const slept = sleptBetween(previous, tick, intervalMs, lateMs);
    previous = tick;
    if (slept) onWake();
  }, intervalMs);
  (timer as { unref?: () => void }).unref?.();
  return () => clearInterval(timer);
}
