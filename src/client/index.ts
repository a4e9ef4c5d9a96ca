/**
 * `react-durable-streams/client`: the Durable Streams protocol client. No
 * React, no DOM requirement.
 */
export { DurableStreamClient } from "./client.js";
export {
  DurableStream,
  type AppendOptions,
  type AppendResult,
  type CloseOptions,
  type CloseResult,
  type CreateOptions,
  type CreateResult,
  type HeadResult,
  type StreamData,
  type StreamHandleOptions,
} from "./stream.js";
export { StreamResponse } from "./response.js";
export {
  IdempotentProducer,
  type ProducerChangeListener,
  type ProducerErrorInfo,
  type ProducerErrorListener,
} from "./producer.js";
export type { ProducerOptions } from "./producer-options.js";
export type { ProducerJournal } from "./producer-journal.js";
export type { ProducerMessage } from "./producer-batch.js";
export type { ByteChunk, ChunkMeta, JsonBatch, TextChunk } from "./chunk.js";
export type { LiveMode, ReadOptions, SseOptions } from "./read-options.js";
export type { ReadSessionObserver } from "./read-session.js";
export { Offset, compareOffsets, type Checkpoint } from "./offset.js";
export type {
  CallOptions,
  DurableStreamClientOptions,
  DynamicRecord,
  DynamicValue,
  FetchFunction,
  JsonCodec,
  MaybePromise,
  UnauthorizedContext,
} from "./options.js";
export type { RetryOptions } from "./retry.js";
export type { VisibilityWatcher } from "./visibility.js";
export type { NetworkWatcher, WakeDetectorOptions } from "./network.js";
export {
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
  type DurableStreamErrorCode,
  type DurableStreamErrorInit,
} from "./errors.js";
