/**
 * `react-durable-streams/devtools`: a panel showing this tab's live sessions,
 * producers and checkpoints. Apps that never import this entry never bundle it.
 */
export { DurableStreamsDevtools, type DurableStreamsDevtoolsProps } from "./devtools.js";
export type { DevtoolsPosition } from "./styles.js";
export { useRuntimeInspection } from "./use-runtime-inspection.js";
export {
  inspectRuntime,
  type CheckpointInspection,
  type ProducerInspection,
  type RuntimeInspection,
  type SessionInspection,
  type TabRole,
} from "../sync/index.js";
