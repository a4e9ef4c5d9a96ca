/** `react-durable-streams/idb`: the IndexedDB checkpoint store, added with the React-layer issue. */
export {};
