/** A wait before a view's next read, and the function that ends it early. */
export interface RestartWait {
  readonly done: Promise<void>;
  /** Ends the wait now (`retry()`, or the view stopping). */
  wake(): void;
}

/**
 * Waits `ms` before a view reads again, or until woken when `ms` is
 * undefined (a view in `error` waits for `retry()`). An aborted `signal` ends
 * it at once. (The network coming back needs nothing here: while offline the
 * client holds requests instead of failing them, so a read does not give up.)
 */
export function restartWait(ms: number | undefined, signal: AbortSignal): RestartWait {
  let wake!: () => void;
  const done = new Promise<void>((resolve) => {
    const timer = ms === undefined ? undefined : setTimeout(() => wake(), ms);
    wake = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", wake);
      resolve();
    };
    signal.addEventListener("abort", wake, { once: true });
    if (signal.aborted) wake();
  });
  return { done, wake };
}
