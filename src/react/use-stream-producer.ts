"use client";

import { useMemo, useSyncExternalStore } from "react";
import type { Offset, ProducerMessage, ProducerOptions } from "../client/index.js";
import { observeProducer, type ProducerStatus, type SharedProducerSpec } from "../sync/index.js";
import { useStreamsContext } from "./context.js";
import { useIsomorphicLayoutEffect } from "./isomorphic-layout-effect.js";

export type { ProducerStatus };

/** Options of {@link useStreamProducer}. */
export interface UseStreamProducerOptions extends ProducerOptions {
  /** The producer id. Default: this tab's id, kept in sessionStorage (two tabs never share one). */
  producerId?: string;
  /**
   * Store every message in the provider's `outbox` (`indexedDbOutbox()`)
   * before it is sent, with the producer id, epoch and sequence it goes out
   * with. What is not acknowledged when the page goes (a reload, a crash, a
   * closed tab, offline for a day) is sent again, unchanged, by the next page
   * of this tab, or by the next tab of the app to open a durable producer if
   * this tab is gone; the server drops what it already has, so each message
   * is stored exactly once. Network failures are retried until they succeed
   * (`deliveryTimeoutMs` defaults to `Infinity`). Messages the server refuses
   * on that re-send (fenced, closed, gone) come back in `error`, an
   * `UndeliveredError` holding them. Fixed by the first user of the producer.
   * Default false.
   */
  durable?: boolean;
}

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
   * The messages written and not yet acknowledged, in order (durable: an
   * earlier page's first). Show them as pending until they arrive in the
   * stream; `mergePending` does that for a list.
   */
  pending: readonly ProducerMessage[];
  /**
   * The producer id in use: the `producerId` option, else this tab's own id
   * (stable across reloads of the tab, different in every other tab). Tag
   * messages with it to tell this tab's writes from everyone else's.
   */
  producerId: string;
}

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
  const producerOptions: SharedProducerSpec = { autoClaim: true, lingerMs: 0, ...rest };
  const observer = useMemo(
    () => observeProducer(runtime, url, producerId, producerOptions),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- options reach it through setOptions
    [runtime, url, producerId],
  );
  // The latest options for the producer when it is first made; after render, never during it.
  useIsomorphicLayoutEffect(() => observer.setOptions(producerOptions));
  const snapshot = useSyncExternalStore(
    observer.subscribe,
    observer.getSnapshot,
    observer.getServerSnapshot,
  );
  return useMemo(() => {
    const { append, tryAppend, flush, restart, close, producerId } = observer;
    return { append, tryAppend, flush, restart, close, ...snapshot, producerId };
  }, [observer, snapshot]);
}
