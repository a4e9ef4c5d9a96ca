import type { StreamObserver } from "./observer.js";

/** Sessions already held open for a suspended render, by their ready promise (one hold each). */
const holding = new WeakSet<Promise<void>>();

/**
 * For a Suspense render: undefined when the view is ready, else the promise
 * to throw. A suspended render is thrown away and never subscribes, so the
 * read has to start here: the session is held (started) until `holdMs`
 * after it is ready, for the render that resumes to pick it up instead of
 * opening a second one. Apart from the observer so that apps without
 * Suspense do not bundle it.
 */
export function holdUntilReady<Item, State>(
  observer: StreamObserver<Item, State>,
  holdMs: number,
): Promise<void> | undefined {
  const ready = observer.ready();
  if (ready && !holding.has(ready)) {
    holding.add(ready);
    const release = observer.retain();
    void ready.then(() => {
      setTimeout(() => {
        holding.delete(ready);
        release();
      }, holdMs);
    });
  }
  return ready;
}
