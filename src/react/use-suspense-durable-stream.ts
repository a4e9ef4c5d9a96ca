"use client";

import type { ViewShape } from "../sync/index.js";
import {
  useViewBinding,
  useViewResult,
  useViewSnapshot,
  type DurableStreamResult,
  type UseDurableStreamOptions,
} from "./use-durable-stream.js";

/** Sessions already held open for a suspended render (one hold each). */
const suspending = new WeakSet<object>();

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
  const binding = useViewBinding(url, options);
  const { runtime, shape } = binding;
  const session = isServer ? undefined : runtime.session(url, shape);
  if (session && !session.isReady) {
    if (!suspending.has(session)) {
      suspending.add(session);
      const release = runtime.retainSession(url, shape as ViewShape<unknown, unknown>);
      void session.ready.then(() => {
        setTimeout(() => {
          suspending.delete(session);
          release();
        }, runtime.gracePeriodMs);
      });
    }
    throw session.ready;
  }
  const snapshot = useViewSnapshot(binding);
  if (snapshot.status === "error" && snapshot.error) throw snapshot.error;
  return useViewResult(binding, snapshot, options.select);
}
