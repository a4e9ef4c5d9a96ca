/** Framework-agnostic live state (shared sessions, checkpoints). Filled in by the React-layer issue. */
export {};
