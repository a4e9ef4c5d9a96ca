import { InvalidArgumentError } from "./errors.js";
import type { DynamicRecord } from "./options.js";

/**
 * Joins a stream path to the base URL, keeping the base's path as a prefix.
 * Absolute URLs pass through unchanged.
 */
export function resolveStreamUrl(path: string, baseUrl: string | undefined): string {
  if (/^[a-z][a-z\d+.-]*:/i.test(path)) return new URL(path).href;
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
  const base = baseUrl ?? (origin && origin !== "null" ? origin : undefined);
  if (base === undefined) {
    throw new InvalidArgumentError(
      "url",
      `relative stream URL ${JSON.stringify(path)} needs a baseUrl outside the browser`,
    );
  }
  const baseUrlObject = new URL(base);
  const prefix = baseUrlObject.pathname.replace(/\/+$/, "");
  const queryAt = path.indexOf("?");
  const pathPart = queryAt < 0 ? path : path.slice(0, queryAt);
  const joined = new URL(`${prefix}/${pathPart.replace(/^\/+/, "")}`, baseUrlObject.origin);
  if (queryAt >= 0) joined.search = path.slice(queryAt + 1);
  return joined.href;
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
  const merged = new Map([...url.searchParams, ...Object.entries(userParams)]);
  for (const [key, value] of Object.entries(protocolParams)) {
    if (value !== undefined) merged.set(key, value);
    else merged.delete(key);
  }
  url.search = [...merged.keys()]
    .sort()
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
  const merged = new Map<string, DynamicRecord[string]>();
  for (const record of records) {
    for (const [key, value] of Object.entries(record ?? {})) merged.set(normalizeKey(key), value);
  }
  // Every function is called before any is awaited, so they run concurrently.
  const entries = [...merged].map(([key, value]) =>
    Promise.resolve(typeof value === "function" ? value({ signal }) : value).then(
      (resolved) => [key, resolved] as const,
    ),
  );
  const out: Record<string, string> = {};
  for (const [key, value] of await Promise.all(entries)) {
    if (value !== undefined) out[key] = value;
  }
  return out;
}
