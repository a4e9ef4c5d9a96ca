/**
 * `react-durable-streams`: React bindings. The hooks and components arrive with
 * the React-layer issue; until then this entry re-exports the protocol client.
 */
export * from "../client/index.js";
