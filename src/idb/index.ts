/**
 * `react-durable-streams/idb`: checkpoints in IndexedDB, so a refreshed tab
 * continues exactly where it was.
 */
export { indexedDbCheckpoints, type IndexedDbCheckpointsOptions } from "./indexeddb-checkpoints.js";
