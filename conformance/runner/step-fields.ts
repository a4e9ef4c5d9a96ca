import { isObj, type Obj } from "./types.js";

/** A malformed step (unknown action or key, wrong field type); fails the case loudly. */
export class StepError extends Error {
  override readonly name = "StepError";
}

/**
 * Keys each action accepts besides `action` and `expect`. Anything else is a
 * typo or an unsupported feature of the YAML and fails the case, so that no
 * field is ever silently ignored.
 */
export const STEP_KEYS: Readonly<Record<string, readonly string[]>> = {
  // Adapter commands (ADAPTER.md §5).
  create: ["path", "as", "contentType", "ttlSeconds", "expiresAt", "headers", "closed", "data"],
  connect: ["path", "headers"],
  append: ["path", "data", "binaryData", "json", "seq", "headers"],
  "append-batch": ["path", "items", "headers"],
  "idempotent-append": ["path", "data", "json", "producerId", "epoch", "autoClaim", "headers"],
  "idempotent-append-batch": [
    "path",
    "items",
    "producerId",
    "epoch",
    "autoClaim",
    "maxInFlight",
    "headers",
  ],
  "idempotent-close": ["path", "producerId", "epoch", "autoClaim", "data", "headers"],
  "idempotent-detach": ["path", "producerId", "epoch", "headers"],
  read: [
    "path",
    "offset",
    "live",
    "timeoutMs",
    "maxChunks",
    "waitForUpToDate",
    "headers",
    "background",
    "as",
  ],
  head: ["path", "headers"],
  delete: ["path", "headers"],
  // §5.12: close carries no headers (upstream drops YAML headers there).
  close: ["path", "data", "contentType"],
  "set-dynamic-header": ["name", "valueType", "initialValue"],
  "set-dynamic-param": ["name", "valueType", "initialValue"],
  "clear-dynamic": [],
  validate: ["target"],
  // Runner-side steps (§6).
  "server-append": [
    "path",
    "data",
    "binaryData",
    "json",
    "producerId",
    "producerEpoch",
    "producerSeq",
    "headers",
  ],
  "server-close": ["path", "data", "contentType"],
  "inject-error": [
    "path",
    "status",
    "count",
    "retryAfter",
    "delayMs",
    "jitterMs",
    "dropConnection",
    "truncateBodyBytes",
    "corruptBody",
    "probability",
    "method",
    "injectSseEvent",
  ],
  "clear-errors": [],
  wait: ["ms"],
  set: ["name", "value"],
  assert: ["value", "equals", "notEquals", "contains", "regex", "message"],
  await: ["ref"],
};

/** Actions whose step may carry an `expect` block. */
export const ACTIONS_WITH_EXPECT = new Set([
  "create",
  "connect",
  "append",
  "append-batch",
  "idempotent-append",
  "idempotent-append-batch",
  "idempotent-close",
  "idempotent-detach",
  "read",
  "head",
  "delete",
  "close",
  "set-dynamic-header",
  "set-dynamic-param",
  "clear-dynamic",
  "validate",
  "server-append",
  "server-close",
  "await",
]);

/** Typed access to the (already expanded) fields of one step. */
export class Fields {
  constructor(
    readonly action: string,
    private readonly step: Obj,
  ) {
    const allowed = STEP_KEYS[action];
    if (allowed === undefined) throw new StepError(`unknown action "${action}"`);
    for (const key of Object.keys(step)) {
      if (key !== "action" && !allowed.includes(key)) {
        throw new StepError(`${action}: unknown key "${key}"`);
      }
    }
  }

  has(key: string): boolean {
    return this.step[key] !== undefined && this.step[key] !== null;
  }

  raw(key: string): unknown {
    return this.step[key] ?? undefined;
  }

  str(key: string): string {
    const v = this.optStr(key);
    if (v === undefined) throw new StepError(`${this.action}: "${key}" is required`);
    return v;
  }

  optStr(key: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== "string") throw this.typeError(key, "a string", v);
    return v;
  }

  optNum(key: string): number | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v)) throw this.typeError(key, "a number", v);
    return v;
  }

  optBool(key: string): boolean | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v !== "boolean") throw this.typeError(key, "a boolean", v);
    return v;
  }

  optObj(key: string): Obj | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (!isObj(v)) throw this.typeError(key, "a mapping", v);
    return v;
  }

  optList(key: string): unknown[] | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (!Array.isArray(v)) throw this.typeError(key, "a list", v);
    return v;
  }

  /** A header map; numbers and booleans are sent as their text (YAML `"0"` vs `0`). */
  optHeaders(key = "headers"): Record<string, string> | undefined {
    const v = this.optObj(key);
    return v === undefined ? undefined : stringMap(v, `${this.action}: "${key}"`);
  }

  private typeError(key: string, expected: string, got: unknown): StepError {
    return new StepError(
      `${this.action}: "${key}" must be ${expected}, got ${JSON.stringify(got)}`,
    );
  }
}

export function stringMap(o: Obj, where: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === "string") out[k] = v;
    else if (typeof v === "number" || typeof v === "boolean") out[k] = String(v);
    else throw new StepError(`${where}: value of "${k}" must be text`);
  }
  return out;
}

/** Drops undefined fields so the JSON line never has `null` placeholders. */
export function compact<T extends Obj>(o: T): T {
  const out: Obj = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}
