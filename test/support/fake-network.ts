import type { FetchFunction, NetworkWatcher } from "../../src/client/index.js";

/** The host's network as a test drives it (what `navigator.onLine` and its events report in a browser). */
export interface FakeNetwork extends NetworkWatcher {
  set(online: boolean): void;
}

export function fakeNetwork(): FakeNetwork {
  let online = true;
  const listeners = new Set<() => void>();
  return {
    online: () => online,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    set(value) {
      online = value;
      for (const listener of [...listeners]) listener();
    },
  };
}

/**
 * Node cannot go offline, so while the fake network says offline this fetch
 * fails the way a browser's does ("Failed to fetch", at once) and counts the
 * attempt; otherwise it is `inner`, the real fetch to the reference server.
 */
export function offlineAwareFetch(
  network: NetworkWatcher,
  inner: FetchFunction = (input, init) => fetch(input, init),
): FetchFunction & { offlineAttempts: number } {
  const wrapped = ((input, init) => {
    if (network.online()) return inner(input, init);
    wrapped.offlineAttempts++;
    return Promise.reject(new TypeError("Failed to fetch"));
  }) as FetchFunction & { offlineAttempts: number };
  wrapped.offlineAttempts = 0;
  return wrapped;
}
