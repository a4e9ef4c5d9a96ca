import { InvalidArgumentError } from "./errors.js";
import type { DynamicRecord } from "./options.js";

/** Whether `url` starts with a scheme (`https:`, ...): absolute, needing no base to resolve. */
export function isAbsoluteUrl(url: string): boolean {
  return /^[a-z][a-z\d+.-]*:/i.test(url);
}

/**
 * Joins a stream path to the base URL, keeping the base's path as a prefix.
 * Absolute URLs pass through unchanged.
 */
export function resolveStreamUrl(path: string, baseUrl: string | undefined): string {
  if (isAbsoluteUrl(path)) return absoluteStreamUrl(path);
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

/** An absolute stream URL, checked: a typo names the URL instead of a bare `TypeError: Invalid URL`. */
function absoluteStreamUrl(url: string): string {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (!parsed) throw new InvalidArgumentError("url", `${JSON.stringify(url)} is not a valid URL`);
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new InvalidArgumentError("url", `${JSON.stringify(url)} is not an http(s) URL`);
  }
  return parsed.href;
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
  // Stream URLs are already normalized (`resolveStreamUrl`): one without a query or
  // fragment takes the parameters as they are, without parsing it again.
  const plain = !streamUrl.includes("?") && !streamUrl.includes("#");
  const url = plain ? undefined : new URL(streamUrl);
  const merged = new Map(url ? [...url.searchParams] : []);
  for (const [key, value] of Object.entries(userParams)) merged.set(key, value);
  for (const [key, value] of Object.entries(protocolParams)) {
    if (value !== undefined) merged.set(key, value);
    else merged.delete(key);
  }
  const search = [...merged.keys()]
    .sort()
    .map((key) => `${encodeURIComponent(key)}=${encodeURIComponent(merged.get(key)!)}`)
    .join("&");
  if (!url) return search === "" ? streamUrl : `${streamUrl}?${search}`;
  url.search = search;
  return url.href;
}

/**
 * Resolves static and function values; an entry whose function returns
 * `undefined` is left out. Later records override earlier ones; keys are
 * compared after `normalizeKey` (header names are case-insensitive, so
 * headers pass a lower-casing one), and an overridden function is never called.
 * Without functions the result is there at once, not behind a promise.
 */
export function resolveDynamicRecord(
  records: ReadonlyArray<DynamicRecord | undefined>,
  signal: AbortSignal,
  normalizeKey: (key: string) => string = (key) => key,
): Record<string, string> | Promise<Record<string, string>> {
  const merged = new Map<string, DynamicRecord[string]>();
  let dynamic = false;
  for (const record of records) {
    if (record === undefined) continue;
    for (const [key, value] of Object.entries(record)) {
      merged.set(normalizeKey(key), value);
      dynamic ||= typeof value === "function";
    }
  }
  if (!dynamic) return collect(merged as Map<string, string | undefined>);
  // Every function is called before any is awaited, so they run concurrently.
  const entries = [...merged].map(([key, value]) =>
    Promise.resolve(typeof value === "function" ? value({ signal }) : value).then(
      (resolved) => [key, resolved] as const,
    ),
  );
  return Promise.all(entries).then((resolved) => collect(new Map(resolved)));
}

function collect(values: ReadonlyMap<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of values) if (value !== undefined) out[key] = value;
  return out;
}
