import { useCallback, useSyncExternalStore } from "react";
import { inspectRuntime, type RuntimeInspection, type StreamsRuntime } from "../sync/index.js";

const SERVER_INSPECTION: RuntimeInspection = {
  sessions: [],
  producers: [],
  checkpoints: [],
  checkpointStore: "none",
};

/**
 * The runtime's inspection, re-rendered at most once per `intervalMs`: a
 * token stream changes the runtime many times a second, a panel needs a few.
 * Subscribes only while mounted (the panel is open); no polling.
 */
export function useRuntimeInspection(
  runtime: StreamsRuntime,
  intervalMs: number,
): RuntimeInspection {
  const subscribe = useCallback(
    (notify: () => void) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const unsubscribe = runtime.subscribe(() => {
        timer ??= setTimeout(() => {
          timer = undefined;
          notify();
        }, intervalMs);
      });
      return () => {
        unsubscribe();
        if (timer !== undefined) clearTimeout(timer);
      };
    },
    [runtime, intervalMs],
  );
  return useSyncExternalStore(
    subscribe,
    () => inspectRuntime(runtime),
    () => SERVER_INSPECTION,
  );
}
