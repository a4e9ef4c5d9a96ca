import {
  checkBatch,
  checkChunks,
  checkSentMap,
  describeError,
  invalid,
  isInt,
  show,
  stringOrList,
  type Stores,
} from "./expect-parts.js";
import { isObj, type Obj } from "./types.js";

export { describeError, show } from "./expect-parts.js";

/**
 * Strict judging of one step result (ADAPTER.md §8, tightened).
 *
 * General rules:
 * - A result must be a JSON object with a boolean `success`.
 * - Without `expect`, a failed result fails the step (setup and operations
 *   alike; only cleanup ignores failures, which the executor handles).
 * - With `expect`, a failed result fails the step unless the expectation asks
 *   for a failure (see `expectsFailure`); a successful result fails the step
 *   when the expectation asks for a failure.
 * - Every key is evaluated; an unknown key fails the step.
 * - "Data" keys (read/head/close/append payload fields) are only satisfied by
 *   a successful result: an error result never satisfies them.
 * - Boolean result flags (`upToDate`, `streamClosed`, `duplicate`) count as
 *   false when absent, but must be booleans when present.
 */

/** Outcome of checking one result: failure messages and variables to store. */
export interface CheckOutcome {
  readonly failures: string[];
  readonly stores: Stores;
}

/** Every expectation key the runner understands. */
export const EXPECT_KEYS: readonly string[] = [
  "status",
  "errorCode",
  "messageContains",
  "errorContains",
  "valid",
  "error",
  "success",
  "data",
  "dataContains",
  "dataContainsAll",
  "dataExact",
  "chunkCount",
  "minChunks",
  "upToDate",
  "streamClosed",
  "finalOffset",
  "contentType",
  "hasOffset",
  "headersSent",
  "paramsSent",
  "duplicate",
  "producerEpoch",
  "producerSeq",
  "producerExpectedSeq",
  "producerReceivedSeq",
  "allSucceed",
  "succeedIndices",
  "failIndices",
  "storeOffsetAs",
  "storeDataAs",
  "storeAs",
];

/** Keys describing the payload of a successful result. */
const DATA_KEYS = new Set([
  "data",
  "dataContains",
  "dataContainsAll",
  "dataExact",
  "chunkCount",
  "minChunks",
  "upToDate",
  "streamClosed",
  "finalOffset",
  "contentType",
  "hasOffset",
  "headersSent",
  "paramsSent",
  "duplicate",
  "storeOffsetAs",
  "storeDataAs",
]);

/**
 * Whether the expectation asks for a failed command: `errorCode`,
 * `messageContains`, `errorContains`, `valid: false`, `error: true`,
 * `success: false`, `status` >= 400, and for the runner-built `append-batch`
 * result (whose `success` is false when any item failed) `allSucceed: false`
 * or a non-empty `failIndices`.
 */
export function expectsFailure(expect: Obj): boolean {
  const status = expect["status"];
  const failIndices = expect["failIndices"];
  return (
    expect["errorCode"] !== undefined ||
    expect["messageContains"] !== undefined ||
    expect["errorContains"] !== undefined ||
    expect["valid"] === false ||
    expect["error"] === true ||
    expect["success"] === false ||
    (typeof status === "number" && status >= 400) ||
    expect["allSucceed"] === false ||
    (Array.isArray(failIndices) && failIndices.length > 0)
  );
}

/**
 * Checks `result` (of a command of type `commandType`) against `expect`
 * (undefined when the step has no `expect` block).
 */
export function checkResult(commandType: string, expect: unknown, result: unknown): CheckOutcome {
  const failures: string[] = [];
  const stores: Stores = [];
  const done = (): CheckOutcome => ({ failures, stores });

  if (!isObj(result) || typeof result["success"] !== "boolean") {
    failures.push(`malformed result (needs an object with boolean "success"): ${show(result)}`);
    return done();
  }
  const success = result["success"];
  if (expect === undefined || expect === null) {
    if (!success) failures.push(`command failed: ${describeError(result)}`);
    return done();
  }
  if (!isObj(expect)) {
    failures.push(`"expect" must be a mapping, got ${show(expect)}`);
    return done();
  }
  const unknown = Object.keys(expect).filter((k) => !EXPECT_KEYS.includes(k));
  if (unknown.length > 0) {
    failures.push(`unknown expectation key(s): ${unknown.join(", ")}`);
    return done();
  }
  const wantsFailure = expectsFailure(expect);
  if (!success && !wantsFailure) {
    failures.push(`command failed: ${describeError(result)}`);
    return done();
  }
  if (success && wantsFailure) {
    failures.push(`expected a failure but the command succeeded: ${show(result)}`);
    return done();
  }

  for (const [key, want] of Object.entries(expect)) {
    if (DATA_KEYS.has(key) && !success) {
      failures.push(`${key}: an error result cannot satisfy a data expectation`);
      continue;
    }
    const problem = checkKey(key, want, result, commandType, stores);
    if (problem !== undefined) failures.push(problem);
  }
  return done();
}

/** Checks one key; returns a failure message or undefined. */
function checkKey(
  key: string,
  want: unknown,
  result: Obj,
  commandType: string,
  stores: Stores,
): string | undefined {
  const success = result["success"] === true;
  switch (key) {
    case "status": {
      if (!isInt(want)) return invalid(key, want, "an integer");
      const got = result["status"];
      if (got === undefined) {
        // ADAPTER.md §5.12: a successful `close` result has no `status`
        // field, so an expected `status` (always 200 in the YAML) cannot be
        // compared there. Only that case is exempt; a close *error* must
        // still carry its status (e.g. 404 for a missing stream).
        if (commandType === "close" && success) return undefined;
        return `expected status ${want}, but the result has no status`;
      }
      return got === want ? undefined : `expected status ${want}, got ${show(got)}`;
    }
    case "errorCode":
      if (typeof want !== "string") return invalid(key, want, "a string");
      return result["errorCode"] === want
        ? undefined
        : `expected errorCode ${want}, got ${show(result["errorCode"])} (${describeError(result)})`;
    case "messageContains":
    case "errorContains": {
      // messageContains: every string, case-insensitive; errorContains: case-sensitive.
      const parts = stringOrList(want);
      if (parts === undefined) return invalid(key, want, "a string or list of strings");
      const message = result["message"];
      if (typeof message !== "string") return `${key}: the result has no message`;
      const ci = key === "messageContains";
      const haystack = ci ? message.toLowerCase() : message;
      const missing = parts.filter((p) => !haystack.includes(ci ? p.toLowerCase() : p));
      return missing.length === 0
        ? undefined
        : `${key}: message ${show(message)} lacks ${missing.map((m) => show(m)).join(", ")}`;
    }
    case "valid":
    case "success":
      if (typeof want !== "boolean") return invalid(key, want, "a boolean");
      return success === want ? undefined : `expected ${key} ${want}, got success ${success}`;
    case "error":
      if (typeof want !== "boolean") return invalid(key, want, "a boolean");
      return success !== want ? undefined : `expected error ${want}, got success ${success}`;
    case "data":
    case "dataContains":
    case "dataContainsAll":
    case "dataExact":
    case "chunkCount":
    case "minChunks":
    case "storeDataAs":
      return checkChunks(key, want, result, stores);
    case "upToDate":
    case "streamClosed":
    case "duplicate": {
      if (typeof want !== "boolean") return invalid(key, want, "a boolean");
      const got = result[key] ?? false;
      if (typeof got !== "boolean") return `${key}: result value ${show(got)} is not a boolean`;
      return got === want ? undefined : `expected ${key} ${want}, got ${got}`;
    }
    case "finalOffset":
    case "hasOffset": {
      // finalOffset: a string is compared exactly; true/false = present/absent.
      // hasOffset: `offset` is (true) / is not (false) a non-empty string.
      const field = key === "hasOffset" ? "offset" : "finalOffset";
      const got = result[field];
      const present = typeof got === "string" && got.length > 0;
      if (typeof want === "boolean") {
        return present === want
          ? undefined
          : `expected ${key} ${want}, result ${field} ${show(got)}`;
      }
      if (key === "finalOffset" && typeof want === "string") {
        return got === want ? undefined : `expected finalOffset ${show(want)}, got ${show(got)}`;
      }
      return invalid(key, want, key === "hasOffset" ? "a boolean" : "a string or boolean");
    }
    case "contentType":
      if (typeof want !== "string") return invalid(key, want, "a string");
      return result["contentType"] === want
        ? undefined
        : `expected contentType ${show(want)}, got ${show(result["contentType"])}`;
    case "headersSent":
    case "paramsSent":
      return checkSentMap(key, want, result[key], key === "headersSent");
    case "producerEpoch":
    case "producerSeq":
    case "producerExpectedSeq":
    case "producerReceivedSeq":
      // Checked on failures too: 403/409 answers carry these headers.
      if (!isInt(want)) return invalid(key, want, "an integer");
      return result[key] === want ? undefined : `expected ${key} ${want}, got ${show(result[key])}`;
    case "allSucceed":
    case "succeedIndices":
    case "failIndices":
      return checkBatch(key, want, result);
    case "storeOffsetAs": {
      if (typeof want !== "string") return invalid(key, want, "a variable name");
      const offset = result["offset"];
      if (typeof offset !== "string" || offset.length === 0) {
        return `storeOffsetAs: the result has no offset (${show(offset)})`;
      }
      stores.push([want, offset]);
      return undefined;
    }
    case "storeAs":
      if (typeof want !== "string") return invalid(key, want, "a variable name");
      stores.push([want, result]);
      return undefined;
    default:
      return `unknown expectation key ${key}`;
  }
}
