/**
 * Framework-agnostic live state: shared sessions, the status machine, the
 * render scheduler, and checkpoints. Re-exported by the React entry point.
 */
export {
  memoryCheckpoints,
  shouldReplace,
  type CheckpointPosition,
  type CheckpointPutOptions,
  type CheckpointRecord,
  type CheckpointStore,
} from "./checkpoint-store.js";
export {
  defaultInitial,
  defaultReducer,
  readAsFor,
  reducerBatches,
  type ReadAs,
  type StreamReducer,
} from "./reducers.js";
export { RenderScheduler, type Throttle } from "./scheduler.js";
export { LiveSession, type LiveSessionOptions } from "./session.js";
export { SharedRegistry, type Lifecycle } from "./registry.js";
export { SharedProducer, tabProducerId } from "./producers.js";
export {
  observeProducer,
  retainSharedProducer,
  sharedProducer,
  type ProducerActions,
  type ProducerObserver,
  type SharedProducerSpec,
} from "./runtime-producers.js";
export { durableOutbox, memoryOutbox, type Outbox, type ResendJob } from "./outbox-engine.js";
export {
  memoryOutboxStore,
  type OutboxChange,
  type OutboxCursor,
  type OutboxRecord,
  type OutboxStore,
} from "./outbox-store.js";
export { type ProducerSnapshot, type ProducerStatus } from "./producer-snapshot.js";
export { type ObserveOptions, type StreamObserver } from "./observer.js";
export { holdUntilReady } from "./suspense-hold.js";
export {
  inspectRuntime,
  type CheckpointInspection,
  type ProducerInspection,
  type RuntimeInspection,
  type SessionInspection,
  type TabRole,
} from "./inspection.js";
export { StreamsRuntime, type StreamsRuntimeOptions, type ViewShape } from "./runtime.js";
export { initialSnapshot, type StreamSnapshot, type DurableStreamStatus } from "./status.js";
export { mergePending, type MergedItem } from "./pending.js";
