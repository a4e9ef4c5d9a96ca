/**
 * `react-durable-streams`: React bindings over the Durable Streams client.
 * The protocol client and the framework-free live state are re-exported.
 */
export * from "../client/index.js";
export * from "../sync/index.js";
export { DurableStreamsProvider, type DurableStreamsProviderProps } from "./provider.js";
export { useStreamsRuntime, type QueryClientLike } from "./context.js";
export {
  useDurableStream,
  type DurableStreamResult,
  type UseDurableStreamOptions,
} from "./use-durable-stream.js";
export { useSuspenseDurableStream } from "./use-suspense-durable-stream.js";
export {
  useStreamProducer,
  type ProducerStatus,
  type StreamProducerResult,
  type UseStreamProducerOptions,
} from "./use-stream-producer.js";
export { StreamList, type StreamListProps } from "./stream-list.js";
export { StreamStatus, type StreamStatusProps } from "./stream-status.js";
export { StreamText, type StreamTextProps } from "./stream-text.js";
