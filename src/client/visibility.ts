/**
 * Browsers throttle or kill long requests in hidden tabs; a hidden tab also
 * has nobody to show live data to. This watches `document.visibilityState`
 * so live reads can pause while hidden and resume when shown.
 */
export interface VisibilityWatcher {
  /** Whether the page is hidden now. */
  hidden(): boolean;
  /** Calls `listener` on every change; returns the unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

/** The document's visibility, or `undefined` outside a browser. */
export function documentVisibility(): VisibilityWatcher | undefined {
  if (typeof document === "undefined" || typeof document.addEventListener !== "function") {
    return undefined;
  }
  return {
    hidden: () => document.visibilityState === "hidden",
    subscribe(listener) {
      document.addEventListener("visibilitychange", listener);
      return () => document.removeEventListener("visibilitychange", listener);
    },
  };
}

/** Resolves when the page is visible, or rejects when `signal` aborts first. */
export function whenVisible(watcher: VisibilityWatcher, signal: AbortSignal): Promise<void> {
  if (!watcher.hidden()) return Promise.resolve();
  // An already aborted signal fires no "abort" event: without this the wait never ends.
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const done = () => {
      unsubscribe();
      signal.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      done();
      reject(signal.reason);
    };
    const unsubscribe = watcher.subscribe(() => {
      if (!watcher.hidden()) {
        done();
        resolve();
      }
    });
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
