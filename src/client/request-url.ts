import { InvalidArgumentError } from "./errors.js";
import type { DynamicRecord } from "./options.js";

/**
 * Joins a stream path to the base URL, keeping the base's path as a prefix.
 * Absolute URLs pass through unchanged.
 */
export function resolveStreamUrl(path: string, baseUrl: string | undefined): string {
  if (/^[a-z][a-z\d+.-]*:/i.test(path)) return new URL(path).href;
  const base = baseUrl ?? browserOrigin();
  if (base === undefined) {
    throw new InvalidArgumentError(
      "url",
      `relative stream URL ${JSON.stringify(path)} needs a baseUrl outside the browser`,
    );
  }
  const baseUrlObject = new URL(base);
  const prefix = baseUrlObject.pathname.replace(/\/+$/, "");
  const [pathPart, query] = splitOnce(path, "?");
  const joined = new URL(`${prefix}/${pathPart.replace(/^\/+/, "")}`, baseUrlObject.origin);
  if (query !== undefined) joined.search = query;
  return joined.href;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const index = text.indexOf(separator);
  return index < 0 ? [text, undefined] : [text.slice(0, index), text.slice(index + 1)];
}

function browserOrigin(): string | undefined {
  const location = (globalThis as { location?: { origin?: string } }).location;
  return location?.origin && location.origin !== "null" ? location.origin : undefined;
}

/**
 * The request URL: the stream URL's own query, then user parameters, then the
 * protocol's (which always win), with keys sorted so that equal requests share
 * one cache key at CDNs.
 */
export function buildRequestUrl(
  streamUrl: string,
  userParams: Readonly<Record<string, string>>,
  protocolParams: Readonly<Record<string, string | undefined>>,
): string {
  const url = new URL(streamUrl);
  const merged = new Map<string, string>();
  for (const [key, value] of url.searchParams) merged.set(key, value);
  for (const [key, value] of Object.entries(userParams)) merged.set(key, value);
  for (const [key, value] of Object.entries(protocolParams)) {
    if (value !== undefined) merged.set(key, value);
    else merged.delete(key);
  }
  const keys = [...merged.keys()].sort();
  url.search = keys
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(merged.get(key)!)}`)
    .join("&");
  return url.href;
}

/**
 * Resolves static and function values; an entry whose function returns
 * `undefined` is left out. Later records override earlier ones; keys are
 * compared after `normalizeKey` (header names are case-insensitive, so
 * headers pass a lower-casing one), and an overridden function is never called.
 */
export async function resolveDynamicRecord(
  records: ReadonlyArray<DynamicRecord | undefined>,
  signal: AbortSignal,
  normalizeKey: (key: string) => string = (key) => key,
): Promise<Record<string, string>> {
  const entries: Array<[string, string | Promise<string | undefined>]> = [];
  const merged = new Map<string, DynamicRecord[string]>();
  for (const record of records) {
    if (!record) continue;
    for (const [key, value] of Object.entries(record)) merged.set(normalizeKey(key), value);
  }
  for (const [key, value] of merged) {
    entries.push([key, typeof value === "function" ? Promise.resolve(value({ signal })) : value]);
  }
  const out: Record<string, string> = {};
  const values = await Promise.all(entries.map(([, value]) => value));
  entries.forEach(([key], index) => {
    const value = values[index];
    if (value !== undefined) out[key] = value;
  });
  return out;
}
