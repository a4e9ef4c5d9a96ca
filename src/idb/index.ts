/**
 * `react-durable-streams/idb`: checkpoints in IndexedDB, so a refreshed tab
 * continues exactly where it was, and the durable producers' outbox, so
 * writes survive reloads, crashes and closed tabs.
 */
export { indexedDbCheckpoints, type IndexedDbCheckpointsOptions } from "./indexeddb-checkpoints.js";
export { indexedDbOutbox, type IndexedDbOutboxOptions } from "./indexeddb-outbox.js";
