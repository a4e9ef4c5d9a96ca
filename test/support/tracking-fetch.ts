import type { FetchFunction } from "../../src/client/index.js";

/** One request as the client sent it, and how far it got. */
export interface TrackedRequest {
  method: string;
  url: URL;
  /** The signal the client handed to fetch. */
  signal: AbortSignal | undefined;
  /** A long-poll or SSE request (it carries `live`). */
  live: boolean;
  /** The response body was read to its end, cancelled, errored, or the request was aborted. */
  done: boolean;
}

/**
 * A real `fetch` that records every request and follows it until its body
 * is finished (or aborted), so tests can count requests at the HTTP level,
 * see how many live requests are open at once, and check that abandoned
 * requests were aborted.
 */
export interface TrackingFetch {
  fetch: FetchFunction;
  requests: TrackedRequest[];
  /** Requests of one stream path. */
  forPath(path: string): TrackedRequest[];
  /** Plain GETs (no `live`): catch-up reads. */
  catchUps(path: string): TrackedRequest[];
  /** The most live requests of `path` that were open at the same time. */
  maxConcurrentLive(path: string): number;
}

export function trackingFetch(): TrackingFetch {
  const requests: TrackedRequest[] = [];
  const peak = new Map<string, number>();
  const open = (path: string) =>
    requests.filter((r) => r.url.pathname === path && r.live && !r.done).length;

  const fetchImpl: FetchFunction = async (input, init) => {
    const url = new URL(input);
    const entry: TrackedRequest = {
      method: init.method ?? "GET",
      url,
      signal: init.signal ?? undefined,
      live: url.searchParams.has("live"),
      done: false,
    };
    requests.push(entry);
    if (entry.live)
      peak.set(url.pathname, Math.max(peak.get(url.pathname) ?? 0, open(url.pathname)));
    const finish = () => {
      entry.done = true;
    };
    init.signal?.addEventListener("abort", finish, { once: true });
    let response: Response;
    try {
      response = await fetch(input, init);
    } catch (error) {
      finish();
      throw error;
    }
    if (response.body === null) {
      finish();
      return response;
    }
    const reader = response.body.getReader();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const result = await reader.read();
          if (result.done) {
            finish();
            controller.close();
          } else {
            controller.enqueue(result.value);
          }
        } catch (error) {
          finish();
          controller.error(error);
        }
      },
      cancel(reason) {
        finish();
        return reader.cancel(reason);
      },
    });
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };

  return {
    fetch: fetchImpl,
    requests,
    forPath: (path) => requests.filter((r) => r.url.pathname === path),
    catchUps: (path) =>
      requests.filter((r) => r.url.pathname === path && r.method === "GET" && !r.live),
    maxConcurrentLive: (path) => peak.get(path) ?? 0,
  };
}
