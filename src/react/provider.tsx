"use client";

import { useMemo, type ReactNode } from "react";
import type { StreamsRuntimeOptions } from "../sync/index.js";
import type { DurableStreamClient } from "../client/index.js";
import { StreamsRuntime, type CheckpointStore, type Outbox, type Throttle } from "../sync/index.js";
import { DurableStreamsContext, type QueryClientLike } from "./context.js";

/** Props of {@link DurableStreamsProvider}. */
export interface DurableStreamsProviderProps {
  /** The protocol client every hook below uses. */
  client: DurableStreamClient;
  /**
   * Where `persist` checkpoints go (`indexedDbCheckpoints()`); memory when absent.
   * Read once per client: a new object on each render is fine; another store needs another client.
   */
  checkpoints?: CheckpointStore;
  /**
   * Where durable producers (`useStreamProducer(url, { durable: true })`)
   * store their messages until the server has them (`indexedDbOutbox()`);
   * memory when absent. Read once per client, like `checkpoints`.
   */
  outbox?: Outbox;
  /** How long an unused stream session or producer lives on (StrictMode, quick navigations). Default 3000 ms. */
  gracePeriodMs?: number;
  /** Default render throttle of live views: `"frame"` (default), milliseconds, or `false`. */
  throttle?: Throttle;
  /** How often a flowing view saves its checkpoint. Default 1000 ms. */
  checkpointIntervalMs?: number;
  /**
   * One live read per stream and view shape for all tabs of the origin, the
   * others following it (default true); `false`: every tab reads on its own.
   * Falls back to per-tab reads where Web Locks or BroadcastChannel are missing.
   */
  crossTab?: boolean;
  /** A TanStack `QueryClient`, for views that mirror into a query key (`queryKey` option). */
  queryClient?: QueryClientLike;
  children?: ReactNode;
}

/**
 * Holds the client, the checkpoint store and the shared sessions for the
 * hooks below it. Sessions are shared by every component reading the same
 * stream the same way, and released a grace period after the last one leaves.
 */
export function DurableStreamsProvider(props: DurableStreamsProviderProps): ReactNode {
  const { client, checkpoints, outbox, gracePeriodMs, throttle, checkpointIntervalMs } = props;
  const crossTab = props.crossTab ?? true;
  const { queryClient } = props;
  const runtime = runtimeFor({
    client,
    checkpoints,
    outbox,
    gracePeriodMs,
    throttle,
    checkpointIntervalMs,
    crossTab,
  });
  const value = useMemo(() => ({ runtime, queryClient }), [runtime, queryClient]);
  return (
    <DurableStreamsContext.Provider value={value}>{props.children}</DurableStreamsContext.Provider>
  );
}

/**
 * One runtime per client and settings, kept outside React: state the
 * provider held itself would be thrown away whenever a Suspense boundary
 * above it suspends before the first commit, and each retry would open new
 * sessions that never become ready. `checkpoints` and `outbox` are taken from the first
 * provider for a client and settings (the documented
 * `checkpoints={indexedDbCheckpoints()}` is a new object on every render); to
 * use another store, use another client.
 */
const runtimes = new WeakMap<DurableStreamClient, Map<string, StreamsRuntime>>();

function runtimeFor(options: StreamsRuntimeOptions): StreamsRuntime {
  let byOptions = runtimes.get(options.client);
  if (!byOptions) runtimes.set(options.client, (byOptions = new Map()));
  const key = JSON.stringify([
    options.gracePeriodMs,
    options.throttle,
    options.checkpointIntervalMs,
    options.crossTab,
  ]);
  let runtime = byOptions.get(key);
  if (!runtime) byOptions.set(key, (runtime = new StreamsRuntime(options)));
  return runtime;
}
