/** `react-durable-streams/query`: TanStack Query integration, added with the React-layer issue. */
export {};
