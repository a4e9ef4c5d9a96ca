"use client";

import { holdUntilReady } from "../sync/index.js";
import { useStreamsContext } from "./context.js";
import {
  useViewObserver,
  useViewResult,
  useViewSnapshot,
  type DurableStreamResult,
  type UseDurableStreamOptions,
} from "./use-durable-stream.js";

/** Server rendering: no I/O, so nothing to wait for (DESIGN.md, SSR). */
const isServer = typeof window === "undefined";

/**
 * Like {@link useDurableStream}, but suspends until the checkpoint is
 * restored and the stream has caught up once (not until it ends). A failure
 * is thrown to the nearest error boundary.
 *
 * Suspense has to start the read while rendering: the session is held for
 * the grace period after it is ready, so the component that resumes picks it
 * up instead of opening a second one.
 *
 * On the server it does no I/O and does not suspend: like
 * {@link useDurableStream} it renders the initial state, or `initialData`.
 */
export function useSuspenseDurableStream<Item = unknown, State = Item[], Selected = State>(
  url: string,
  options: UseDurableStreamOptions<Item, State, Selected> = {},
): DurableStreamResult<Selected> {
  const { runtime } = useStreamsContext();
  const observer = useViewObserver(url, options);
  const ready = isServer ? undefined : holdUntilReady(observer, runtime.gracePeriodMs);
  if (ready) throw ready;
  const snapshot = useViewSnapshot(observer);
  if (snapshot.status === "error" && snapshot.error) throw snapshot.error;
  return useViewResult(observer, snapshot, options.select);
}
