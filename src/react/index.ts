/**
 * `react-durable-streams`: React bindings over the Durable Streams client.
 * Named one by one: what an app calls (the client API and its errors, the
 * provider, hooks and components, the checkpoint store interface) and the
 * types those take and return. The framework-free machinery under the hooks
 * (sessions, registries, the scheduler) stays internal.
 */
export {
  DurableStreamClient,
  DurableStream,
  StreamResponse,
  IdempotentProducer,
  Offset,
  compareOffsets,
  ContentTypeMismatchError,
  DurableStreamError,
  InvalidArgumentError,
  InvalidOffsetError,
  NetworkError,
  OffsetGoneError,
  ProducerBufferFullError,
  ProducerClosedError,
  ParseError,
  SequenceConflictError,
  SequenceGapError,
  StaleEpochError,
  StreamClosedError,
  StreamConflictError,
  StreamNotFoundError,
  UnauthorizedError,
  UndeliveredError,
  UnexpectedStatusError,
  type AppendOptions,
  type AppendResult,
  type ByteChunk,
  type CallOptions,
  type Checkpoint,
  type ChunkMeta,
  type CloseOptions,
  type CloseResult,
  type CreateOptions,
  type CreateResult,
  type DurableStreamClientOptions,
  type DurableStreamErrorCode,
  type DurableStreamErrorInit,
  type DynamicRecord,
  type DynamicValue,
  type FetchFunction,
  type HeadResult,
  type JsonBatch,
  type JsonCodec,
  type LiveMode,
  type MaybePromise,
  type NetworkWatcher,
  type ProducerChangeListener,
  type ProducerErrorInfo,
  type ProducerErrorListener,
  type ProducerMessage,
  type ProducerOptions,
  type ReadOptions,
  type RetryOptions,
  type SseOptions,
  type StreamData,
  type StreamHandleOptions,
  type TextChunk,
  type UnauthorizedContext,
  type VisibilityWatcher,
  type WakeDetectorOptions,
} from "../client/index.js";
export {
  memoryCheckpoints,
  memoryOutbox,
  mergePending,
  type MergedItem,
  type OutboxChange,
  type OutboxCursor,
  type OutboxRecord,
  type OutboxStore,
  type CheckpointPosition,
  type CheckpointPutOptions,
  type CheckpointRecord,
  type CheckpointStore,
  type DurableStreamStatus,
  type ObserveOptions,
  type ReadAs,
  type StreamObserver,
  type StreamReducer,
  type StreamSnapshot,
  type StreamsRuntime,
  type Throttle,
  type ViewShape,
} from "../sync/index.js";
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
