import type { StreamReducer } from "./reducers.js";
import type { Throttle } from "./scheduler.js";
import type { LiveSession } from "./session.js";
import { initialSnapshot, type StreamSnapshot } from "./status.js";
import type { TextLog } from "./text-log.js";
import type { StreamsRuntime, ViewShape } from "./runtime.js";

/** Options of `runtime.observe`. */
export interface ObserveOptions {
  /** How often listeners hear of changes. Default: the runtime's throttle. */
  throttle?: Throttle | undefined;
}

/**
 * One view's window on its shared session, made by `runtime.observe`, for a
 * UI binding such as `useSyncExternalStore`. Making one does no I/O and
 * holds nothing: `subscribe` takes a reference on the session (starting it
 * for its first user) and its unsubscribe gives it back, so the registry's
 * grace period makes a subscribe, unsubscribe, subscribe (React StrictMode)
 * open one session.
 */
export interface StreamObserver<Item, State> {
  /** Equal keys observe one session. */
  readonly key: string;
  readonly throttle: Throttle;
  /** Holds the session while subscribed; `listener` hears of changes per `throttle`. */
  subscribe(listener: () => void): () => void;
  /** The session's snapshot, or the initial one while there is no session. */
  getSnapshot(): StreamSnapshot<State>;
  /** The snapshot before anything happened (server rendering, hydration). */
  getServerSnapshot(): StreamSnapshot<State>;
  /** Skips a reconnect wait, or leaves the error state. */
  retry(): void;
  /** The view's latest shape: its reducer goes to the session, the rest is used if the session is made later. */
  setShape(shape: ViewShape<Item, State>): void;
  /**
   * What a Suspense render waits for: undefined once the view has restored
   * and caught up once (or failed), else a promise of that moment. Makes the
   * session (no I/O) when missing.
   */
  ready(): Promise<void> | undefined;
  /** Takes a reference on the session without listening; returns the release function. */
  retain(): () => void;
  /** The session's recent text pieces, made with `make` (see `LiveSession.textLog`); undefined without a session. */
  textLog(make: () => TextLog): TextLog | undefined;
}

const NO_SESSION = (): void => {};

/**
 * An observer of the session under `key` (`runtime.sessionKey` of `url` and
 * `shape`); `url: null` observes nothing (a disabled view). Internal:
 * `runtime.observe`.
 */
export function sessionObserver<Item, State>(
  runtime: StreamsRuntime,
  url: string | null,
  key: string,
  shape: ViewShape<Item, State>,
  throttle: Throttle,
): StreamObserver<Item, State> {
  const { sessions, scheduler } = runtime;
  // Made on first use: a binding may make an observer per render and keep the first one.
  let initial: StreamSnapshot<State> | undefined;
  const first = () => (initial ??= initialSnapshot(shape));
  let latest = shape;
  let handedOver = false;
  let reducer: StreamReducer<Item, State> | undefined;
  const peek = () => sessions.peek(key) as LiveSession<Item, State> | undefined;
  const retain = () => (url === null ? NO_SESSION : runtime.retainSession(url, latest));
  return {
    key,
    throttle,
    subscribe(listener) {
      const release = retain();
      const unsubscribe = peek()?.subscribe(() => scheduler.schedule(listener, throttle));
      return () => {
        unsubscribe?.();
        scheduler.cancel(listener);
        release();
      };
    },
    getSnapshot: () => peek()?.getSnapshot() ?? first(),
    getServerSnapshot: first,
    retry: () => peek()?.retry(),
    setShape(next) {
      latest = next;
      // Inline reducers are fine: the newest one is used, handed over only when it changes.
      if (handedOver && next.reducer === reducer) return;
      handedOver = true;
      reducer = next.reducer;
      peek()?.setReducer(reducer);
    },
    ready() {
      if (url === null) return undefined;
      const session = runtime.session(url, latest);
      return session.isReady ? undefined : session.ready;
    },
    retain,
    textLog: (make) => peek()?.textLog(make),
  };
}
