import { useCallback, useSyncExternalStore } from "react";
import { useStreamsRuntime } from "../react/context.js";
import { inspectRuntime, type RuntimeInspection } from "../sync/index.js";

const SERVER_INSPECTION: RuntimeInspection = {
  sessions: [],
  producers: [],
  checkpoints: [],
  checkpointStore: "none",
};

/**
 * The provider's runtime as one picture ({@link inspectRuntime}), re-rendered
 * at most once per `refreshMs` (default 250) through the runtime's render
 * scheduler: a token stream changes the runtime many times a second, a panel
 * needs a few. Subscribes through `runtime.subscribe` while mounted; no polling.
 */
export function useRuntimeInspection(refreshMs = 250): RuntimeInspection {
  const runtime = useStreamsRuntime();
  const subscribe = useCallback(
    (notify: () => void) => {
      const unsubscribe = runtime.subscribe(() => runtime.scheduler.schedule(notify, refreshMs));
      return () => {
        unsubscribe();
        runtime.scheduler.cancel(notify);
      };
    },
    [runtime, refreshMs],
  );
  return useSyncExternalStore(
    subscribe,
    () => inspectRuntime(runtime),
    () => SERVER_INSPECTION,
  );
}
