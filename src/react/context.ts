"use client";

import { createContext, useContext } from "react";
import type { StreamsRuntime } from "../sync/index.js";

/** What TanStack Query's QueryClient offers that the mirror needs (no import of the library). */
export interface QueryClientLike {
  setQueryData(queryKey: readonly unknown[], data: unknown): unknown;
}

export interface DurableStreamsContextValue {
  runtime: StreamsRuntime;
  queryClient: QueryClientLike | undefined;
}

export const DurableStreamsContext = createContext<DurableStreamsContextValue | null>(null);

/** The provider's runtime; a clear error outside a provider. */
export function useStreamsContext(): DurableStreamsContextValue {
  const value = useContext(DurableStreamsContext);
  if (!value) {
    throw new Error(
      "react-durable-streams: wrap your components in <DurableStreamsProvider client={...}>",
    );
  }
  return value;
}

/**
 * The provider's runtime: its shared sessions and producers, the checkpoint
 * store and the scheduler. For inspectors and devtools; views should use the hooks.
 */
export function useStreamsRuntime(): StreamsRuntime {
  return useStreamsContext().runtime;
}
