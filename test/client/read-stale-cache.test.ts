import { describe, expect, it } from "vitest";
import type { FetchFunction } from "../../src/client/index.js";
import { delay, followItems, waitFor } from "../support/read-helpers.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";

const server = sharedTestServer({ longPollTimeout: 300 });

/**
 * A cache in front of the real server that has gone stale: keyed by the full
 * request URL, it holds the first long-poll answer it saw for each URL and
 * replays it, at once, for every later request with that URL. The answer it
 * holds names the cursor the request was made with, so a client that echoes
 * it asks for the same URL forever (the loop server cursors exist to break;
 * the reference server cannot be made to produce it, hence this fetch).
 */
function staleCache(): {
  fetch: FetchFunction;
  originRequests: () => number;
  replays: () => number;
} {
  const cache = new Map<string, { status: number; headers: Headers }>();
  let origin = 0;
  let replayed = 0;
  const fetchFunction: FetchFunction = async (input, init) => {
    const url = new URL(input);
    const cached = cache.get(input);
    if (cached) {
      replayed++;
      return new Response(null, { status: cached.status, headers: cached.headers });
    }
    origin++;
    const response = await fetch(input, init);
    if (url.searchParams.get("live") !== "long-poll" || response.status !== 204) return response;
    const headers = new Headers(response.headers);
    const asked = url.searchParams.get("cursor");
    if (asked !== null) headers.set("stream-cursor", asked);
    cache.set(input, { status: response.status, headers });
    return new Response(null, { status: response.status, headers });
  };
  return { fetch: fetchFunction, originRequests: () => origin, replays: () => replayed };
}

describe("a cache replaying a stale long-poll answer", () => {
  it("is bypassed with a cache-buster parameter: new data arrives, and there is no request storm", async () => {
    const cache = staleCache();
    const client = testClient(server(), { fetch: cache.fetch, warnOnHttp: false });
    const url = uniquePath("stale-cache");
    const stream = client.stream(url);
    await stream.create({ contentType: "application/json" });
    const controller = new AbortController();
    const res = await stream.read({ live: "long-poll", signal: controller.signal });
    const seen: unknown[] = [];
    const reading = followItems(res.jsonBatches(), seen);
    // Long enough for several server timeouts (300 ms), each cached for its URL.
    await delay(2_000);
    // Without going around the cache, the reader would ask the cached URL again and again.
    const requestsMeanwhile = cache.originRequests() + cache.replays();
    await testClient(server()).stream(url).appendJson({ n: 1 });
    await waitFor(() => seen.length === 1, 5_000, "the message behind the stale cache");
    expect(seen).toEqual([{ n: 1 }]);
    // Two seconds of 300 ms long-polls: about seven, and a few more for the catch-up.
    expect(requestsMeanwhile).toBeLessThanOrEqual(15);
    controller.abort();
    await reading;
  });
});
