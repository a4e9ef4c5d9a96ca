"use client";

import { useCallback, useMemo, useRef, useSyncExternalStore } from "react";
import type {
  IdempotentProducer,
  Offset,
  ProducerMessage,
  ProducerOptions,
} from "../client/index.js";
import { retainSharedProducer, sharedProducer, tabProducerId } from "../sync/index.js";
import { useStreamsContext } from "./context.js";
import { useIsomorphicLayoutEffect } from "./isomorphic-layout-effect.js";

/** Options of {@link useStreamProducer}. */
export interface UseStreamProducerOptions extends ProducerOptions {
  /** The producer id. Default: this tab's id, kept in sessionStorage (two tabs never share one). */
  producerId?: string;
}

/** Where a producer stands. */
export type ProducerStatus = "idle" | "sending" | "error" | "stopped";

/** What {@link useStreamProducer} returns. */
export interface StreamProducerResult {
  /** Queues a message (text, bytes, or for JSON streams any JSON value); fire-and-forget. */
  append: (message: ProducerMessage) => void;
  /** Like `append`, but returns false instead of exceeding the buffer limits. */
  tryAppend: (message: ProducerMessage) => boolean;
  /** Resolves when everything appended so far is acknowledged. */
  flush: () => Promise<void>;
  /**
   * Starts a new epoch once everything sent has settled. After a batch failed
   * with `outcomeUnknown` (it may be in the stream) the producer sends nothing
   * more until this is called: read the stream past `lastOffset` first, then
   * restart and re-send only what is missing.
   */
  restart: () => Promise<void>;
  /** Closes the stream for everyone, optionally with a final message. Only ever explicit. */
  close: (finalMessage?: ProducerMessage) => Promise<{ finalOffset: Offset }>;
  status: ProducerStatus;
  /** The latest batch failure. */
  error: Error | undefined;
  pendingCount: number;
  inFlightCount: number;
  lastOffset: Offset | undefined;
  epoch: number;
  /**
   * The producer id in use: the `producerId` option, else this tab's own id
   * (stable across reloads of the tab, different in every other tab). Tag
   * messages with it to tell this tab's writes from everyone else's.
   */
  producerId: string;
}

interface ProducerSnapshot {
  status: ProducerStatus;
  error: Error | undefined;
  pendingCount: number;
  inFlightCount: number;
  lastOffset: Offset | undefined;
  epoch: number;
}

const SERVER_SNAPSHOT: ProducerSnapshot = {
  status: "idle",
  error: undefined,
  pendingCount: 0,
  inFlightCount: 0,
  lastOffset: undefined,
  epoch: 0,
};

/**
 * Writes to a stream exactly once through an idempotent producer shared by
 * this tab's components: `autoClaim` on, flushed when the page is hidden or
 * left, detached (never closed) a grace period after the last user unmounts.
 */
export function useStreamProducer(
  url: string,
  options: UseStreamProducerOptions = {},
): StreamProducerResult {
  const { runtime } = useStreamsContext();
  const { producerId, ...rest } = options;
  const producerOptions: ProducerOptions = { autoClaim: true, lingerMs: 0, ...rest };
  const optionsRef = useRef(producerOptions);
  // The latest options for the producer when it is first made; written after render, never during it.
  useIsomorphicLayoutEffect(() => {
    optionsRef.current = producerOptions;
  });
  const key = runtime.producerKey(url, producerId);
  const producerFor = useCallback(
    (): IdempotentProducer => sharedProducer(runtime, url, producerId, optionsRef.current).producer,
    [runtime, url, producerId],
  );

  const cache = useRef<{ key: string; snapshot: ProducerSnapshot; error: Error | undefined }>({
    key: "",
    snapshot: SERVER_SNAPSHOT,
    error: undefined,
  });
  const getSnapshot = useCallback((): ProducerSnapshot => {
    const shared = runtime.producers.peek(key);
    if (!shared) return cache.current.key === key ? cache.current.snapshot : SERVER_SNAPSHOT;
    const next = snapshotOf(
      shared.producer,
      cache.current.key === key ? cache.current.error : undefined,
    );
    const previous = cache.current.snapshot;
    if (cache.current.key !== key || !sameSnapshot(previous, next)) {
      cache.current = { key, snapshot: next, error: next.error };
    }
    return cache.current.snapshot;
  }, [runtime, key]);

  const subscribe = useCallback(
    (onChange: () => void) => {
      const release = retainSharedProducer(runtime, url, producerId, optionsRef.current);
      const producer = producerFor();
      const notify = () => runtime.scheduler.schedule(onChange, runtime.throttle);
      const offChange = producer.on("change", notify);
      const offError = producer.on("error", (error) => {
        cache.current = { ...cache.current, error };
        notify();
      });
      return () => {
        offChange();
        offError();
        runtime.scheduler.cancel(onChange);
        release();
      };
    },
    [runtime, url, producerId, producerFor],
  );
  const snapshot = useSyncExternalStore(subscribe, getSnapshot, () => SERVER_SNAPSHOT);

  const append = useCallback(
    (message: ProducerMessage) => producerFor().append(message),
    [producerFor],
  );
  const tryAppend = useCallback(
    (message: ProducerMessage) => producerFor().tryAppend(message),
    [producerFor],
  );
  const flush = useCallback(() => producerFor().flush(), [producerFor]);
  const restart = useCallback(() => producerFor().restart(), [producerFor]);
  const close = useCallback(
    (finalMessage?: ProducerMessage) => producerFor().close(finalMessage),
    [producerFor],
  );
  const resolvedId = producerId ?? tabProducerId();
  return useMemo(
    () => ({ append, tryAppend, flush, restart, close, ...snapshot, producerId: resolvedId }),
    [append, tryAppend, flush, restart, close, snapshot, resolvedId],
  );
}

function snapshotOf(producer: IdempotentProducer, error: Error | undefined): ProducerSnapshot {
  const busy = producer.pendingCount + producer.inFlightCount > 0;
  return {
    status: producer.stopped ? "stopped" : error && !busy ? "error" : busy ? "sending" : "idle",
    error,
    pendingCount: producer.pendingCount,
    inFlightCount: producer.inFlightCount,
    lastOffset: producer.lastOffset,
    epoch: producer.epoch,
  };
}

function sameSnapshot(a: ProducerSnapshot, b: ProducerSnapshot): boolean {
  return (
    a.status === b.status &&
    a.error === b.error &&
    a.pendingCount === b.pendingCount &&
    a.inFlightCount === b.inFlightCount &&
    a.lastOffset === b.lastOffset &&
    a.epoch === b.epoch
  );
}
