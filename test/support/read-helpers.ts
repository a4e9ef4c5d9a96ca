import type { FetchFunction } from "../../src/client/index.js";

/** One request the client sent, with the response headers once they arrived. */
export interface TrackedRequest {
  method: string;
  url: URL;
  /** `live` query parameter, or undefined for a plain GET. */
  live: string | null;
  offset: string | null;
  cursor: string | null;
  signal: AbortSignal | undefined;
  /** Response headers (undefined until the response arrived, or if the request failed). */
  response: Headers | undefined;
  status: number | undefined;
}

/**
 * A real `fetch` that records every request and the headers of its response,
 * optionally passing each response through `transform` (used only where the
 * reference server cannot produce a case, such as a body that breaks off).
 */
export function trackingFetch(
  transform?: (response: Response, request: TrackedRequest) => Response,
): { fetch: FetchFunction; requests: TrackedRequest[]; reads: () => TrackedRequest[] } {
  const requests: TrackedRequest[] = [];
  const fetchFunction: FetchFunction = async (input, init) => {
    const url = new URL(input);
    const request: TrackedRequest = {
      method: init.method ?? "GET",
      url,
      live: url.searchParams.get("live"),
      offset: url.searchParams.get("offset"),
      cursor: url.searchParams.get("cursor"),
      signal: init.signal ?? undefined,
      response: undefined,
      status: undefined,
    };
    requests.push(request);
    const response = await fetch(input, init);
    request.response = response.headers;
    request.status = response.status;
    return transform ? transform(response, request) : response;
  };
  return {
    fetch: fetchFunction,
    requests,
    reads: () => requests.filter((r) => r.method === "GET"),
  };
}

/**
 * Re-wraps a response so that its body stops where `limit` says: it gets the
 * decoded text and the number of bytes received so far, and returns the number
 * of bytes to let through in total, or undefined to keep going. After the cut the body
 * either errors (a reset connection) or ends cleanly (a proxy closing early).
 */
export function cutBody(
  response: Response,
  limit: (textSoFar: string, bytesSoFar: number) => number | undefined,
  ending: "error" | "close",
): Response {
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let passed = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) {
        controller.close();
        return;
      }
      text += decoder.decode(value, { stream: true });
      const cut = limit(text, passed + value.length);
      if (cut === undefined || cut >= passed + value.length) {
        passed += value.length;
        controller.enqueue(value);
        return;
      }
      if (cut > passed) controller.enqueue(value.subarray(0, cut - passed));
      // The rest of the real body is read and dropped, so the real connection ends cleanly
      // (cancelling it leaves the server waiting seconds on shutdown).
      void drain(reader);
      if (ending === "error") controller.error(new TypeError("terminated: connection reset"));
      else controller.close();
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: response.status, headers: response.headers });
}

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  try {
    while (!(await reader.read()).done);
  } catch {
    // The connection went away: nothing left to drain.
  }
}

/** Byte length of the UTF-8 text (cut positions are in bytes; the tests use ASCII). */
export function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}

export const delay = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `condition` until it holds; fails after `timeoutMs` (generous: machines are shared). */
export async function waitFor(
  condition: () => boolean,
  timeoutMs = 10_000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(10);
  }
}

/** Deterministic pseudo-random bytes. */
export function patternBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * Compares bytes fast (deep `toEqual` on megabytes is slow): "equal", or where
 * the first difference is, for a readable failure.
 */
export function byteDiff(actual: Uint8Array, expected: Uint8Array): string {
  const a = Buffer.from(actual.buffer, actual.byteOffset, actual.byteLength);
  const b = Buffer.from(expected.buffer, expected.byteOffset, expected.byteLength);
  if (a.equals(b)) return "equal";
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `lengths ${a.length}/${b.length}, first difference at byte ${i}`;
}

/** Collects the items of JSON batches into `seen` until the read is aborted; other failures reject. */
export function followItems(
  batches: AsyncIterable<{ items: readonly unknown[] }>,
  seen: unknown[],
): Promise<void> {
  return (async () => {
    try {
      for await (const batch of batches) seen.push(...batch.items);
    } catch (error) {
      if (!(error instanceof DOMException) || error.name !== "AbortError") throw error;
    }
  })();
}
