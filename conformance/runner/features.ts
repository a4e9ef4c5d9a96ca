import { isObj, type TestCase } from "./types.js";

/**
 * YAML `requires` names → field of the `features` object of the `init`
 * result (ADAPTER.md §7). A name that is not listed here is unknown and
 * always counts as missing.
 */
const FEATURE_FIELDS: Readonly<Record<string, string>> = {
  batching: "batching",
  sse: "sse",
  "long-poll": "longPoll",
  longPoll: "longPoll",
  auto: "auto",
  streaming: "streaming",
  dynamicHeaders: "dynamicHeaders",
  "dynamic-headers": "dynamicHeaders",
  retryOptions: "retryOptions",
  "retry-options": "retryOptions",
  batchItems: "batchItems",
  "batch-items": "batchItems",
  strictZeroValidation: "strictZeroValidation",
  "strict-zero-validation": "strictZeroValidation",
};

/** The `requires` names (file-level, then test-level) that the adapter lacks. */
export function missingFeatures(requires: readonly string[], features: unknown): string[] {
  const reported = isObj(features) ? features : {};
  return requires.filter((name) => {
    const field = Object.prototype.hasOwnProperty.call(FEATURE_FIELDS, name)
      ? FEATURE_FIELDS[name]
      : undefined;
    // Truthy, as upstream: `features.sse: 1` counts as present.
    return field === undefined || !reported[field];
  });
}

/** Why the test is skipped, or undefined when it must run. */
export function skipReason(tc: TestCase, features: unknown): string | undefined {
  if (tc.skip !== undefined) return `skip: ${tc.skip}`;
  const missing = missingFeatures([...tc.fileRequires, ...tc.requires], features);
  if (missing.length > 0) return `requires ${[...new Set(missing)].join(", ")}`;
  return undefined;
}
