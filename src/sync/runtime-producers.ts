import type { ProducerOptions } from "../client/index.js";
import { SharedProducer, tabProducerId } from "./producers.js";
import type { StreamsRuntime } from "./runtime.js";

/**
 * The runtime's shared producers, made here rather than by runtime methods:
 * a class's methods are never tree-shaken, so an app that only reads would
 * bundle the whole producer through them.
 */

/** The shared producer for a stream and producer id (the tab's id by default), made if missing. */
export function sharedProducer(
  runtime: StreamsRuntime,
  url: string,
  id: string | undefined,
  options: ProducerOptions,
): SharedProducer {
  const producerId = id ?? tabProducerId();
  return runtime.producers.get(runtime.producerKey(url, producerId), () =>
    createProducer(runtime, url, producerId, options),
  );
}

/** Takes a reference on the shared producer, making it if missing. Returns the release function. */
export function retainSharedProducer(
  runtime: StreamsRuntime,
  url: string,
  id: string | undefined,
  options: ProducerOptions,
): () => void {
  const producerId = id ?? tabProducerId();
  return runtime.producers.acquire(runtime.producerKey(url, producerId), () =>
    createProducer(runtime, url, producerId, options),
  );
}

function createProducer(
  runtime: StreamsRuntime,
  url: string,
  id: string,
  options: ProducerOptions,
): SharedProducer {
  const shared = new SharedProducer(runtime.client, url, id, options);
  shared.producer.on("change", runtime.changed);
  return shared;
}
