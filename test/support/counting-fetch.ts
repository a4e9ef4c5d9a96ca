import type { FetchFunction } from "../../src/client/index.js";

/** One request as the client sent it. */
export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Headers;
  signal: AbortSignal | undefined;
}

/**
 * A real `fetch` that records every request the client makes, so tests can
 * assert on URLs, query parameters and headers at the HTTP level.
 */
export function recordingFetch(): { fetch: FetchFunction; requests: RecordedRequest[] } {
  const requests: RecordedRequest[] = [];
  return {
    requests,
    fetch: (input, init) => {
      requests.push({
        method: init.method ?? "GET",
        url: new URL(input),
        headers: new Headers(init.headers),
        signal: init.signal ?? undefined,
      });
      return fetch(input, init);
    },
  };
}
