"use client";

import { useEffect, useMemo, useSyncExternalStore } from "react";
import { InvalidArgumentError, type LiveMode, type Offset } from "../client/index.js";
import { isAbsoluteUrl } from "../client/request-url.js";
import type {
  ReadAs,
  StreamObserver,
  StreamReducer,
  StreamSnapshot,
  DurableStreamStatus,
  StreamsRuntime,
  Throttle,
  ViewShape,
} from "../sync/index.js";
import { checkViewOptions } from "../sync/option-checks.js";
import { useStreamsContext } from "./context.js";
import { useIsomorphicLayoutEffect } from "./isomorphic-layout-effect.js";

/** Options of {@link useDurableStream}. */
export interface UseDurableStreamOptions<Item, State, Selected> {
  /** Read the stream as JSON messages, text or bytes. Default: from its content type. */
  as?: ReadAs;
  /** What to do after catching up. Default `"auto"`. */
  live?: LiveMode;
  /** Folds each batch into the state. Default: append messages, concatenate text or bytes. */
  reducer?: StreamReducer<Item, State>;
  /** The state before any data. Default: `[]`, `""` or empty bytes. */
  initial?: State;
  /** Derives what the component renders from the state. */
  select?: (state: State) => Selected;
  /** Checkpoint key: state, offset and cursor are saved together and restored on the next visit. */
  persist?: string;
  /**
   * The reducer's version; change it when the reducer changes, and old checkpoints are dropped.
   * Views of one stream with different custom reducers need different versions: views with
   * the same url, shape and version share one session and one state. Default `"1"`.
   */
  version?: string;
  /** Render throttle: `"frame"`, milliseconds or `false`. Default: the provider's. */
  throttle?: Throttle;
  /** Pause the live request while the tab is hidden. Default true. */
  pauseWhenHidden?: boolean;
  /** State rendered on the server, with its offset; the newer of it and the checkpoint wins. */
  initialData?: { state: State; offset: Offset; cursor?: string };
  /** Mirror the state into this TanStack Query key (needs `queryClient` on the provider). */
  queryKey?: readonly unknown[];
}

/** What {@link useDurableStream} returns. */
export interface DurableStreamResult<Selected> {
  /** The (selected) state. */
  data: Selected;
  status: DurableStreamStatus;
  error: Error | undefined;
  /** Caught up with the tail at least once and not behind now. */
  isUpToDate: boolean;
  /** The stream has ended and everything was read. */
  closed: boolean;
  /** The offset the state corresponds to. */
  offset: Offset | undefined;
  /** When reconnecting: the time (ms since the epoch) of the next attempt. */
  retryAt: number | undefined;
  /** Where the state came from before network data: a stored checkpoint or server-rendered data. */
  restoredFrom: "checkpoint" | "initialData" | undefined;
  /** Try now: skip a reconnect wait, or leave the error state. */
  retry: () => void;
}

/**
 * The view's observer, made from the options: the same object while the
 * session it observes and the throttle stay, so subscribe and getSnapshot
 * stay the same functions. Internal.
 */
export function useViewObserver<Item, State, Selected>(
  url: string | null,
  options: UseDurableStreamOptions<Item, State, Selected>,
): StreamObserver<Item, State> {
  const { runtime } = useStreamsContext();
  useCheckedOptions(runtime, url, options);
  const shape: ViewShape<Item, State> = {
    as: options.as,
    live: options.live ?? "auto",
    persist: options.persist,
    version: options.version ?? "1",
    pauseWhenHidden: options.pauseWhenHidden ?? true,
    reducer: options.reducer,
    initial: options.initial,
    initialData: options.initialData,
  };
  // A new observer only when the session it observes or the throttle changes: the key
  // (the runtime's one rule for it) covers url and shape.
  const key = url === null ? null : runtime.sessionKey(url, shape);
  const throttle = options.throttle ?? runtime.throttle;
  const observer = useMemo(
    () => runtime.observe(url, shape, { throttle }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed on purpose
    [runtime, key, throttle],
  );
  // The latest shape (its reducer) goes to the observer after render, never during it.
  useIsomorphicLayoutEffect(() => observer.setShape(shape));
  return observer;
}

const IN_BROWSER = typeof window !== "undefined";

/**
 * Throws an `InvalidArgumentError` for an option the view cannot use, once
 * per change of what the check reads (values, and the types of functions).
 */
function useCheckedOptions<Item, State, Selected>(
  runtime: StreamsRuntime,
  url: string | null,
  options: UseDurableStreamOptions<Item, State, Selected>,
): void {
  const { as, live, throttle, persist, version, pauseWhenHidden, reducer, select, queryKey } =
    options;
  const reducerType = typeof reducer;
  const selectType = typeof select;
  const queryKeyIsArray = queryKey === undefined ? undefined : Array.isArray(queryKey);
  useMemo(
    () => {
      checkViewOptions({
        url,
        as,
        live,
        throttle,
        persist,
        version,
        pauseWhenHidden,
        reducer,
        select,
        queryKey,
      });
      // Resolving the URL against the client's base checks it (no I/O), so a
      // typo fails here, naming the URL, rather than later in an effect. Not a
      // relative URL on the server: a server render of a browser view has no
      // origin to resolve it against, and reads nothing.
      if (url !== null && (IN_BROWSER || isAbsoluteUrl(url))) runtime.client.stream(url);
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps -- functions and keys checked by type only
    [
      runtime,
      url,
      as,
      live,
      throttle,
      persist,
      version,
      pauseWhenHidden,
      reducerType,
      selectType,
      queryKeyIsArray,
    ],
  );
}

/** Subscribes to the view's session through useSyncExternalStore. Internal. */
export function useViewSnapshot<Item, State>(
  observer: StreamObserver<Item, State>,
): StreamSnapshot<State> {
  return useSyncExternalStore(observer.subscribe, observer.getSnapshot, observer.getServerSnapshot);
}

/** Builds the hook result from a snapshot. Internal. */
export function useViewResult<Item, State, Selected>(
  observer: StreamObserver<Item, State>,
  snapshot: StreamSnapshot<State>,
  select: ((state: State) => Selected) | undefined,
): DurableStreamResult<Selected> {
  const data = useMemo(
    () => (select ? select(snapshot.state) : (snapshot.state as unknown as Selected)),
    [snapshot.state, select],
  );
  return {
    data,
    status: snapshot.status,
    error: snapshot.error,
    isUpToDate: snapshot.isUpToDate,
    closed: snapshot.closed,
    offset: snapshot.offset,
    retryAt: snapshot.retryAt,
    restoredFrom: snapshot.restoredFrom,
    retry: observer.retry,
  };
}

/** Mirrors the view's state into a TanStack Query key while mounted. Internal. */
function useQueryMirror(
  state: unknown,
  enabled: boolean,
  queryKey: readonly unknown[] | undefined,
): void {
  const { queryClient } = useStreamsContext();
  if (queryKey !== undefined && !queryClient) {
    throw new InvalidArgumentError(
      "queryKey",
      "needs a queryClient on <DurableStreamsProvider> to mirror into; pass one, or drop queryKey",
    );
  }
  const queryHash = queryKey === undefined ? undefined : JSON.stringify(queryKey);
  // Each state the view renders, so the mirror moves with the view's throttle.
  useEffect(() => {
    if (!queryClient || queryHash === undefined || !enabled) return;
    queryClient.setQueryData(JSON.parse(queryHash) as unknown[], state);
  }, [queryClient, queryHash, enabled, state]);
}

/**
 * Reads a stream live: catches up, then follows new data, folding it through
 * the reducer. One HTTP session serves every component that reads the same
 * stream the same way. A catch-up commits once at up to date; live updates
 * render at most once per frame by default. `url: null` disables it.
 *
 * @example
 * const { data, status } = useDurableStream<ChatMessage>("/chat/42", { persist: "chat-42" });
 */
export function useDurableStream<Item = unknown, State = Item[], Selected = State>(
  url: string | null,
  options: UseDurableStreamOptions<Item, State, Selected> = {},
): DurableStreamResult<Selected> {
  const observer = useViewObserver(url, options);
  const snapshot = useViewSnapshot(observer);
  useQueryMirror(snapshot.state, url !== null, options.queryKey);
  return useViewResult(observer, snapshot, options.select);
}
