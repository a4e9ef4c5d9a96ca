import { randomUUID } from "node:crypto";
import { compact, Fields, StepError, stringMap } from "./step-fields.js";
import { isObj, type Command, type Obj } from "./types.js";

/** What one YAML step turns into (after variable expansion). */
export type StepPlan =
  | {
      readonly kind: "adapter";
      readonly command: Command;
      /** `create` + `as:`: the variable that receives the stream path. */
      readonly storePathAs?: string;
      /** `read` + `background: true` + `as:`: the name to `await` later. */
      readonly background?: string;
    }
  | { readonly kind: "append-batch"; readonly commands: readonly Command[] }
  | {
      readonly kind: "server-append";
      readonly path: string;
      readonly body: Uint8Array<ArrayBuffer>;
      /** Extra request headers (producer headers and YAML `headers`). */
      readonly headers: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: "server-close";
      readonly path: string;
      readonly data: string | undefined;
      readonly contentType: string | undefined;
    }
  | { readonly kind: "inject-error"; readonly fault: Obj }
  | { readonly kind: "clear-errors" }
  | { readonly kind: "wait"; readonly ms: number }
  | { readonly kind: "set"; readonly name: string; readonly value: unknown }
  | { readonly kind: "assert"; readonly spec: AssertSpec }
  | { readonly kind: "await"; readonly ref: string };

/**
 * `assert` (runner-side, not used by the current YAML): compares `value`
 * (usually `${var}` or `${var.field}`) with each given operator:
 * `equals` / `notEquals` (deep JSON equality), `contains` (substring of a
 * string, or element of a list), `regex` (JavaScript pattern tested on a
 * string value). At least one operator is required; `message` is printed on
 * failure.
 */
export interface AssertSpec {
  readonly value: unknown;
  readonly equals?: unknown;
  readonly notEquals?: unknown;
  readonly contains?: unknown;
  readonly regex?: string;
  readonly message?: string;
}

/** A fresh stream path for steps that create a stream without a path. */
export function newStreamPath(): string {
  return `/test-stream-${randomUUID()}`;
}

/**
 * Translates one step (variables already expanded, `expect` removed) into a
 * plan, with the exact adapter field names of ADAPTER.md §5.
 */
export function translateStep(step: Obj, newPath: () => string = newStreamPath): StepPlan {
  const action = typeof step["action"] === "string" ? step["action"] : "";
  const f = new Fields(action, step);
  const headers = f.optHeaders();

  switch (action) {
    case "create": {
      const path = f.optStr("path") ?? newPath();
      return adapter(
        {
          type: "create",
          path,
          contentType: f.optStr("contentType"),
          ttlSeconds: f.optNum("ttlSeconds"),
          expiresAt: f.optStr("expiresAt"),
          headers,
          closed: f.optBool("closed"),
          data: f.optStr("data"),
        },
        { storePathAs: f.optStr("as") },
      );
    }
    case "connect":
    case "head":
    case "delete":
      return adapter({ type: action, path: f.str("path"), headers });
    case "append":
      return adapter(appendCommand(f.str("path"), step, "append", headers));
    case "append-batch": {
      const path = f.str("path");
      const items = f.optList("items") ?? [];
      if (items.length === 0) throw new StepError(`append-batch: "items" must be a non-empty list`);
      return {
        kind: "append-batch",
        commands: items.map((item, i) => {
          if (!isObj(item)) throw new StepError(`append-batch: items[${i}] must be a mapping`);
          const itemFields = new Fields("append", { action: "append", ...item });
          const itemHeaders = itemFields.optHeaders();
          const merged = headers || itemHeaders ? { ...headers, ...itemHeaders } : undefined;
          return appendCommand(path, item, `append-batch items[${i}]`, merged);
        }),
      };
    }
    case "idempotent-append":
      return adapter({
        type: action,
        path: f.str("path"),
        data: payloadText(step, action),
        ...producerFields(f),
        headers,
      });
    case "idempotent-append-batch": {
      const items = f.optList("items") ?? [];
      if (items.length === 0) {
        throw new StepError(`${action}: "items" must be a non-empty list`);
      }
      return adapter({
        type: action,
        path: f.str("path"),
        items: items.map((item, i) => {
          if (typeof item === "string") return item;
          if (!isObj(item)) throw new StepError(`${action}: items[${i}] must be a mapping`);
          for (const k of Object.keys(item)) {
            if (k !== "data" && k !== "json") {
              throw new StepError(`${action}: items[${i}]: unknown key "${k}"`);
            }
          }
          return payloadText(item, `${action} items[${i}]`);
        }),
        ...producerFields(f),
        maxInFlight: f.optNum("maxInFlight"),
        headers,
      });
    }
    case "idempotent-close":
      return adapter({
        type: action,
        path: f.str("path"),
        ...producerFields(f),
        data: f.optStr("data"),
        headers,
      });
    case "idempotent-detach":
      return adapter({
        type: action,
        path: f.str("path"),
        producerId: f.str("producerId"),
        epoch: f.optNum("epoch") ?? 0,
        headers,
      });
    case "read":
      return readPlan(f, headers);
    case "close":
      return adapter({
        type: "close",
        path: f.str("path"),
        data: f.optStr("data"),
        contentType: f.optStr("contentType"),
      });
    case "set-dynamic-header":
    case "set-dynamic-param":
      return adapter({
        type: action,
        name: f.str("name"),
        valueType: f.str("valueType"),
        initialValue: f.optStr("initialValue"),
      });
    case "clear-dynamic":
      return adapter({ type: action });
    case "validate": {
      const target = f.optObj("target");
      if (target === undefined) throw new StepError(`validate: "target" is required`);
      return adapter({ type: "validate", target });
    }
    case "server-append":
      return serverAppendPlan(f, step, headers);
    case "server-close":
      return {
        kind: "server-close",
        path: f.str("path"),
        data: f.optStr("data"),
        contentType: f.optStr("contentType"),
      };
    case "inject-error": {
      const fault: Obj = {};
      for (const [k, v] of Object.entries(step)) if (k !== "action" && v !== null) fault[k] = v;
      f.str("path");
      return { kind: "inject-error", fault };
    }
    case "clear-errors":
      return { kind: "clear-errors" };
    case "wait": {
      const ms = f.optNum("ms");
      if (ms === undefined || ms < 0) throw new StepError(`wait: "ms" must be a number >= 0`);
      return { kind: "wait", ms };
    }
    case "set":
      if (!Object.prototype.hasOwnProperty.call(step, "value")) {
        throw new StepError(`set: "value" is required`);
      }
      return { kind: "set", name: f.str("name"), value: step["value"] };
    case "assert":
      return assertPlan(f, step);
    case "await":
      return { kind: "await", ref: f.str("ref") };
    default:
      throw new StepError(`unknown action "${action}"`);
  }
}

function adapter(
  command: Obj & { type: string },
  extra: { storePathAs?: string | undefined; background?: string | undefined } = {},
): StepPlan {
  return { kind: "adapter", command: compact(command), ...compact(extra) };
}

/**
 * The payload of an `append`: exactly one of `data` (text, `binary:false`),
 * `binaryData` (base64, `binary:true`) or `json` (any YAML value, sent as its
 * JSON text with `binary:false`). `binary` is always present.
 */
function appendCommand(
  path: string,
  source: Obj,
  where: string,
  headers: Record<string, string> | undefined,
): Command {
  const given = ["data", "binaryData", "json"].filter((k) => source[k] !== undefined);
  if (given.length !== 1) {
    throw new StepError(`${where}: give exactly one of data, binaryData, json`);
  }
  const seq = source["seq"];
  if (seq !== undefined && (typeof seq !== "number" || !Number.isFinite(seq))) {
    throw new StepError(`${where}: "seq" must be a number`);
  }
  let data: string;
  let binary = false;
  if (source["binaryData"] !== undefined) {
    const b64 = source["binaryData"];
    if (typeof b64 !== "string") throw new StepError(`${where}: "binaryData" must be base64 text`);
    data = b64;
    binary = true;
  } else {
    data = payloadText(source, where);
  }
  return compact({ type: "append", path, data, binary, seq, headers });
}

/** `data` (text) or `json` (stringified). */
function payloadText(source: Obj, where: string): string {
  if (source["json"] !== undefined) {
    if (source["data"] !== undefined) throw new StepError(`${where}: give data or json, not both`);
    return JSON.stringify(source["json"]);
  }
  const data = source["data"];
  if (typeof data !== "string") throw new StepError(`${where}: "data" must be a string`);
  return data;
}

/** Producer fields with the runner defaults of §5.5 (epoch 0, autoClaim false). */
function producerFields(f: Fields): Obj {
  return {
    producerId: f.str("producerId"),
    epoch: f.optNum("epoch") ?? 0,
    autoClaim: f.optBool("autoClaim") ?? false,
  };
}

const LIVE_MODES = new Set(["long-poll", "sse"]);

function readPlan(f: Fields, headers: Record<string, string> | undefined): StepPlan {
  const live = f.raw("live");
  if (live !== undefined && typeof live !== "boolean" && !LIVE_MODES.has(String(live))) {
    throw new StepError(`read: "live" must be true, false, "long-poll" or "sse"`);
  }
  // YAML may spell an offset as a number; offsets are opaque strings.
  const rawOffset = f.raw("offset");
  const offset = typeof rawOffset === "number" ? String(rawOffset) : f.optStr("offset");
  const background = f.optBool("background") ?? false;
  const as = f.optStr("as");
  if (background && as === undefined) throw new StepError(`read: background needs "as"`);
  if (!background && as !== undefined) throw new StepError(`read: "as" needs background: true`);
  return adapter(
    {
      type: "read",
      path: f.str("path"),
      offset,
      live,
      timeoutMs: f.optNum("timeoutMs"),
      maxChunks: f.optNum("maxChunks"),
      waitForUpToDate: f.optBool("waitForUpToDate"),
      headers,
    },
    { background: as },
  );
}

function serverAppendPlan(
  f: Fields,
  step: Obj,
  headers: Record<string, string> | undefined,
): StepPlan {
  const producer: Record<string, string> = {};
  const id = f.optStr("producerId");
  if (id !== undefined) producer["Producer-Id"] = id;
  const epoch = f.optNum("producerEpoch");
  if (epoch !== undefined) producer["Producer-Epoch"] = String(epoch);
  const seq = f.optNum("producerSeq");
  if (seq !== undefined) producer["Producer-Seq"] = String(seq);
  const given = ["data", "binaryData", "json"].filter((k) => step[k] !== undefined);
  if (given.length !== 1) {
    throw new StepError(`server-append: give exactly one of data, binaryData, json`);
  }
  const b64 = f.optStr("binaryData");
  const body =
    b64 !== undefined
      ? Uint8Array.from(Buffer.from(b64, "base64"))
      : new TextEncoder().encode(payloadText(step, "server-append"));
  return {
    kind: "server-append",
    path: f.str("path"),
    body,
    headers: { ...producer, ...(headers ? stringMap(headers, "server-append headers") : {}) },
  };
}

function assertPlan(f: Fields, step: Obj): StepPlan {
  if (!Object.prototype.hasOwnProperty.call(step, "value")) {
    throw new StepError(`assert: "value" is required`);
  }
  const ops = ["equals", "notEquals", "contains", "regex"].filter((k) => step[k] !== undefined);
  if (ops.length === 0) {
    throw new StepError(`assert: give at least one of equals, notEquals, contains, regex`);
  }
  return {
    kind: "assert",
    spec: compact({
      value: step["value"],
      equals: step["equals"],
      notEquals: step["notEquals"],
      contains: step["contains"],
      regex: f.optStr("regex"),
      message: f.optStr("message"),
    }),
  };
}
