import { hostNetwork } from "../client/network.js";

/** A wait before a view's next read, and the function that ends it early. */
export interface RestartWait {
  readonly done: Promise<void>;
  /** Ends the wait now (`retry()`, or the view stopping). */
  wake(): void;
}

/**
 * Waits `ms` before a view reads again, or until woken when `ms` is
 * undefined (a view in `error` waits for `retry()`). A timed wait also ends
 * when the host comes back online: a reconnect should not sit out a backoff
 * meant for a failing server. An aborted `signal` ends it at once.
 */
export function restartWait(ms: number | undefined, signal: AbortSignal): RestartWait {
  let wake!: () => void;
  const done = new Promise<void>((resolve) => {
    const network = ms === undefined ? undefined : hostNetwork();
    const timer = ms === undefined ? undefined : setTimeout(() => wake(), ms);
    const stopWatching = network?.subscribe(() => {
      if (network.online()) wake();
    });
    wake = () => {
      clearTimeout(timer);
      stopWatching?.();
      signal.removeEventListener("abort", wake);
      resolve();
    };
    signal.addEventListener("abort", wake, { once: true });
    if (signal.aborted) wake();
  });
  return { done, wake };
}
