import { useMemo, type ReactNode } from "react";
import type { DurableStreamClient } from "../client/index.js";
import { StreamsRuntime, type CheckpointStore, type Throttle } from "../sync/index.js";
import { DurableStreamsContext, type QueryClientLike } from "./context.js";

/** Props of {@link DurableStreamsProvider}. */
export interface DurableStreamsProviderProps {
  /** The protocol client every hook below uses. */
  client: DurableStreamClient;
  /**
   * Where `persist` checkpoints go (`indexedDbCheckpoints()`); memory when absent.
   * Read once, when the provider is created (a new object on each render is fine).
   */
  checkpoints?: CheckpointStore;
  /** How long an unused stream session or producer lives on (StrictMode, quick navigations). Default 3000 ms. */
  gracePeriodMs?: number;
  /** Default render throttle of live views: `"frame"` (default), milliseconds, or `false`. */
  throttle?: Throttle;
  /** How often a flowing view saves its checkpoint. Default 1000 ms. */
  checkpointIntervalMs?: number;
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
  const { client, checkpoints, gracePeriodMs, throttle, checkpointIntervalMs, queryClient } = props;
  // `checkpoints` is read when the runtime is made, not followed: the documented
  // `checkpoints={indexedDbCheckpoints()}` is a new object on every render, and a
  // new runtime would drop every open session (the views flash empty and read
  // the stream again). To switch stores, remount the provider (a `key`).
  const runtime = useMemo(
    () =>
      new StreamsRuntime({ client, checkpoints, gracePeriodMs, throttle, checkpointIntervalMs }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- see above
    [client, gracePeriodMs, throttle, checkpointIntervalMs],
  );
  const value = useMemo(() => ({ runtime, queryClient }), [runtime, queryClient]);
  return (
    <DurableStreamsContext.Provider value={value}>{props.children}</DurableStreamsContext.Provider>
  );
}
