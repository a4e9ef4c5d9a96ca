import {
  InvalidArgumentError,
  type IdempotentProducer,
  type ProducerOptions,
} from "../client/index.js";
import { IDLE_PRODUCER, producerSnapshot, type ProducerSnapshot } from "./producer-snapshot.js";
import { SharedProducer, tabProducerId } from "./producers.js";
import type { StreamsRuntime } from "./runtime.js";

/**
 * The runtime's shared producers, made here rather than by runtime methods:
 * a class's methods are never tree-shaken, so an app that only reads would
 * bundle the whole producer through them.
 */

/** The key of the shared producer for a stream and producer id (the tab's id by default). */
export function producerKey(url: string, id: string | undefined): string {
  return JSON.stringify([url, id ?? tabProducerId()]);
}

/** How a shared producer is made: its options, and whether it keeps an outbox in the runtime's store. */
export interface SharedProducerSpec extends ProducerOptions {
  /** Every message stored (the runtime's outbox store) before it is sent; see `useStreamProducer`. */
  durable?: boolean | undefined;
}

/** The shared producer for a stream and producer id (the tab's id by default), made if missing. */
export function sharedProducer(
  runtime: StreamsRuntime,
  url: string,
  id: string | undefined,
  spec: SharedProducerSpec,
): SharedProducer {
  const producerId = id ?? tabProducerId();
  return runtime.producers.get(producerKey(url, producerId), () =>
    createProducer(runtime, url, producerId, spec),
  );
}

/** Takes a reference on the shared producer, making it if missing. Returns the release function. */
export function retainSharedProducer(
  runtime: StreamsRuntime,
  url: string,
  id: string | undefined,
  spec: SharedProducerSpec,
): () => void {
  const producerId = id ?? tabProducerId();
  return runtime.producers.acquire(producerKey(url, producerId), () =>
    createProducer(runtime, url, producerId, spec),
  );
}

function createProducer(
  runtime: StreamsRuntime,
  url: string,
  id: string,
  spec: SharedProducerSpec,
): SharedProducer {
  const { durable, ...options } = spec;
  const outbox = durable ? requireOutbox(runtime) : undefined;
  const shared = new SharedProducer(runtime.client, url, id, options, outbox);
  // The first durable producer of a page adopts the outboxes of tabs that are gone.
  outbox?.adopt(runtime.client, (error) => shared.undelivered(error));
  shared.producer.on("change", runtime.changed);
  return shared;
}

/** The provider's outbox, which a durable producer needs. */
function requireOutbox(runtime: StreamsRuntime) {
  if (runtime.outbox) return runtime.outbox;
  throw new InvalidArgumentError(
    "durable",
    "needs an outbox on the provider: outbox={indexedDbOutbox()} (react-durable-streams/idb)",
  );
}

/** A shared producer's writing methods; each makes the producer (not started) if missing. */
export type ProducerActions = Pick<
  IdempotentProducer,
  "append" | "tryAppend" | "flush" | "restart" | "close"
>;

/**
 * One UI binding's window on a shared producer, made by
 * {@link observeProducer}, for `useSyncExternalStore`: `subscribe` holds the
 * producer and hears its changes and failures (throttled like the views),
 * `getSnapshot` is its {@link producerSnapshot}.
 */
export interface ProducerObserver extends ProducerActions {
  /** The producer id in use: the one asked for, else this tab's. */
  readonly producerId: string;
  subscribe(listener: () => void): () => void;
  getSnapshot(): ProducerSnapshot;
  getServerSnapshot(): ProducerSnapshot;
  /** The options to make the producer with, if it is made later. */
  setOptions(options: SharedProducerSpec): void;
}

/** An observer of the shared producer for a stream and producer id (the tab's id by default). No I/O. */
export function observeProducer(
  runtime: StreamsRuntime,
  url: string,
  id: string | undefined,
  options: SharedProducerSpec,
): ProducerObserver {
  const producerId = id ?? tabProducerId();
  const key = producerKey(url, producerId);
  const { scheduler } = runtime;
  if (options.durable) requireOutbox(runtime);
  let latest = options;
  let snapshot = IDLE_PRODUCER;
  // The latest batch failure: the producer's own lastError outlives later successes.
  let error: Error | undefined;
  const producer = () => sharedProducer(runtime, url, producerId, latest).producer;
  return {
    producerId,
    subscribe(listener) {
      const release = retainSharedProducer(runtime, url, producerId, latest);
      const notify = () => scheduler.schedule(listener, runtime.throttle);
      const shared = sharedProducer(runtime, url, producerId, latest);
      const target = shared.producer;
      const failed = (failure: Error) => {
        error = failure;
        notify();
      };
      const offChange = target.on("change", notify);
      const offError = target.on("error", failed);
      const offOutbox = shared.listen((undelivered) =>
        undelivered ? failed(undelivered) : notify(),
      );
      return () => {
        offChange();
        offError();
        offOutbox();
        scheduler.cancel(listener);
        release();
      };
    },
    getSnapshot() {
      const shared = runtime.producers.peek(key);
      if (shared) {
        const { stopped, pendingCount, inFlightCount, lastOffset, epoch } = shared.producer;
        const { pending } = shared.outbox;
        const facts = { stopped, pendingCount, inFlightCount, lastOffset, epoch, pending };
        snapshot = producerSnapshot(facts, error, snapshot);
      }
      return snapshot;
    },
    getServerSnapshot: () => IDLE_PRODUCER,
    setOptions(next) {
      latest = next;
    },
    append: (message) => producer().append(message),
    tryAppend: (message) => producer().tryAppend(message),
    flush: () => producer().flush(),
    restart: () => producer().restart(),
    close: (finalMessage) => producer().close(finalMessage),
  };
}
