import { catchUpBytes, catchUpJson } from "./catch-up.js";
import { latencyLongPoll, latencySse } from "./latency.js";
import { peakMemory } from "./memory.js";
import { producerJson, producerLarge, producerSmall } from "./producer.js";
import { appendLatency, createLatency } from "./single-ops.js";
import type { Scenario } from "./types.js";

/** Every scenario, in table order. */
export const SCENARIOS: readonly Scenario[] = [
  catchUpJson,
  catchUpBytes,
  latencyLongPoll,
  latencySse,
  producerSmall,
  producerJson,
  producerLarge,
  appendLatency,
  createLatency,
  peakMemory,
];

/** The scenarios `--only` names (by id or group); all of them when none is named. */
export function selectScenarios(only: readonly string[]): Scenario[] {
  if (only.length === 0) return [...SCENARIOS];
  const known = new Set(SCENARIOS.flatMap((s) => [s.id, s.group]));
  const unknown = only.filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new Error(`unknown --only ${unknown.join(", ")}; known: ${[...known].join(", ")}`);
  }
  return SCENARIOS.filter((s) => only.includes(s.id) || only.includes(s.group));
}
