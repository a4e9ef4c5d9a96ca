import { isObj, type Obj } from "./types.js";

// Checks of the composite expectation keys (chunks, sent maps, batch items)
// and message helpers, split out of expectations.ts.

/** Stores produced by a check: variable name and value. */
export type Stores = Array<readonly [name: string, value: unknown]>;

/**
 * Chunk keys, on `chunks[].data` (a chunk marked `binary: true` holds base64
 * and is decoded to UTF-8 text first): `data` = exact concatenation,
 * `dataContains` / `dataContainsAll` = the concatenation contains every given
 * string, `dataExact` = the list of chunk texts, in order, `chunkCount` =
 * number of chunks, `minChunks` = at least that many, `storeDataAs` = store
 * the concatenation.
 */
export function checkChunks(
  key: string,
  want: unknown,
  result: Obj,
  stores: Stores,
): string | undefined {
  const texts = chunkTexts(result["chunks"]);
  if (typeof texts === "string") return `${key}: ${texts}`;
  const all = texts.join("");
  switch (key) {
    case "data":
      if (typeof want !== "string") return invalid(key, want, "a string");
      return all === want ? undefined : `expected data ${show(want)}, got ${show(all)}`;
    case "dataContains":
    case "dataContainsAll": {
      const parts = stringOrList(want);
      if (parts === undefined) return invalid(key, want, "a string or list of strings");
      const missing = parts.filter((p) => !all.includes(p));
      return missing.length === 0
        ? undefined
        : `${key}: data ${show(all)} lacks ${missing.map((m) => show(m)).join(", ")}`;
    }
    case "dataExact": {
      const parts = Array.isArray(want) ? stringOrList(want) : undefined;
      if (parts === undefined) return invalid(key, want, "a list of strings");
      const same = parts.length === texts.length && parts.every((p, i) => p === texts[i]);
      return same ? undefined : `expected chunks ${show(parts)}, got ${show(texts)}`;
    }
    case "chunkCount":
    case "minChunks": {
      if (!isInt(want)) return invalid(key, want, "an integer");
      const ok = key === "chunkCount" ? texts.length === want : texts.length >= want;
      return ok
        ? undefined
        : `expected ${key === "chunkCount" ? "" : "at least "}${want} chunk(s), got ${texts.length}: ${show(texts)}`;
    }
    case "storeDataAs":
      if (typeof want !== "string") return invalid(key, want, "a variable name");
      stores.push([want, all]);
      return undefined;
    default:
      return `unknown expectation key ${key}`;
  }
}

function chunkTexts(chunks: unknown): string[] | string {
  if (!Array.isArray(chunks)) return `the result has no "chunks" list`;
  const out: string[] = [];
  for (const [i, chunk] of chunks.entries()) {
    if (!isObj(chunk) || typeof chunk["data"] !== "string") {
      return `chunks[${i}] has no string "data": ${show(chunk)}`;
    }
    const data = chunk["data"];
    out.push(chunk["binary"] === true ? Buffer.from(data, "base64").toString("utf8") : data);
  }
  return out;
}

/**
 * `headersSent` / `paramsSent`: every expected name is present in the
 * adapter's self-reported map with exactly the expected text. Header names
 * match case-insensitively (HTTP), parameter names exactly.
 */
export function checkSentMap(
  key: string,
  want: unknown,
  got: unknown,
  caseInsensitive: boolean,
): string | undefined {
  if (!isObj(want)) return invalid(key, want, "a mapping");
  if (!isObj(got)) return `${key}: the result has no ${key} map (${show(got)})`;
  const problems: string[] = [];
  for (const [name, value] of Object.entries(want)) {
    const match = Object.keys(got).find((k) =>
      caseInsensitive ? k.toLowerCase() === name.toLowerCase() : k === name,
    );
    const actual = match === undefined ? undefined : got[match];
    if (actual !== String(value))
      problems.push(`${name}: expected ${show(value)}, got ${show(actual)}`);
  }
  return problems.length === 0 ? undefined : `${key}: ${problems.join("; ")}`;
}

/**
 * `allSucceed: true` = success, and every per-item result (the runner-built
 * `append-batch` result lists them in `results`) succeeded; `false` = not
 * all succeeded. `succeedIndices` / `failIndices` = the listed items of
 * `results` succeeded / failed (requires a `results` list).
 */
export function checkBatch(key: string, want: unknown, result: Obj): string | undefined {
  const items = result["results"];
  const itemOk = (item: unknown): boolean => isObj(item) && item["success"] === true;
  if (key === "allSucceed") {
    if (typeof want !== "boolean") return invalid(key, want, "a boolean");
    const all = result["success"] === true && (!Array.isArray(items) || items.every(itemOk));
    return all === want ? undefined : `expected allSucceed ${want}, got ${all}: ${show(result)}`;
  }
  if (!Array.isArray(want) || !want.every(isInt)) return invalid(key, want, "a list of integers");
  if (!Array.isArray(items)) return `${key}: the result has no per-item "results" list`;
  const expectOk = key === "succeedIndices";
  const wrong = want.filter((i) => i < 0 || i >= items.length || itemOk(items[i]) !== expectOk);
  return wrong.length === 0
    ? undefined
    : `${key}: item(s) ${wrong.join(", ")} did not ${expectOk ? "succeed" : "fail"}: ${show(items)}`;
}

export function isInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v);
}

export function stringOrList(v: unknown): string[] | undefined {
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x): x is string => typeof x === "string")) return v;
  return undefined;
}

export function invalid(key: string, want: unknown, expected: string): string {
  return `invalid expectation ${key}: ${show(want)} (must be ${expected})`;
}

/** A short description of a failed result for messages. */
export function describeError(result: Obj): string {
  const parts: string[] = [];
  if (result["errorCode"] !== undefined) parts.push(String(result["errorCode"]));
  if (result["status"] !== undefined) parts.push(`status ${String(result["status"])}`);
  if (typeof result["message"] === "string") parts.push(show(result["message"]));
  return parts.length > 0 ? parts.join(" ") : show(result);
}

/** JSON text of a value, shortened for one-line messages. */
export function show(value: unknown, max = 200): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
