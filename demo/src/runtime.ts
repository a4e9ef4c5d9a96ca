import { useEffect, useRef, useState } from "react";

export { useStreamsRuntime } from "react-durable-streams";

/**
 * Calls `read` now and every `intervalMs` while mounted (and again when a
 * dependency changes), keeping the latest value or error. For the inspector's
 * looks outside the runtime (the server's HEAD, a stored checkpoint by key).
 */
export function usePoll<T>(
  read: () => T | Promise<T>,
  intervalMs: number,
  deps: readonly unknown[],
): { value: T | undefined; error: Error | undefined } {
  const [result, setResult] = useState<{ value: T | undefined; error: Error | undefined }>({
    value: undefined,
    error: undefined,
  });
  const readRef = useRef(read);
  readRef.current = read;
  useEffect(() => {
    let active = true;
    const tick = async () => {
      try {
        const value = await readRef.current();
        if (active) setResult({ value, error: undefined });
      } catch (error) {
        if (active) setResult((previous) => ({ value: previous.value, error: error as Error }));
      }
    };
    void tick();
    const timer = setInterval(() => void tick(), intervalMs);
    return () => {
      active = false;
      clearInterval(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the caller lists what `read` depends on
  }, [intervalMs, ...deps]);
  return result;
}
