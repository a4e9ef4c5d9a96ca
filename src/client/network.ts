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

/** Resolves when the watcher reports online, or rejects when `signal` aborts first. */
export function whenOnline(
  watcher: NetworkWatcher,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (watcher.online()) return Promise.resolve();
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const done = () => {
      unsubscribe();
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      done();
      reject(signal!.reason);
    };
    const unsubscribe = watcher.subscribe(() => {
      if (watcher.online()) {
        done();
        resolve();
      }
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Waits `ms` before a retry, but ends the wait the moment the network comes
 * back (a reconnect should not sit out a backoff meant for a failing server).
 * Rejects with the signal's reason when it aborts.
 */
export function retryWait(
  ms: number,
  signal: AbortSignal | undefined,
  network: NetworkWatcher | undefined,
): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const finish = () => {
      clearTimeout(timer);
      unsubscribe?.();
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      finish();
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      finish();
      resolve();
    }, ms);
    const unsubscribe = network?.subscribe(() => {
      if (network.online()) {
        finish();
        resolve();
      }
    });
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** How often the sleep detector ticks, and how late a tick must be to mean the host slept. */
export interface WakeDetectorOptions {
  intervalMs?: number;
  /** A tick this much later than scheduled means the host was asleep (or the tab frozen). */
  lateMs?: number;
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
