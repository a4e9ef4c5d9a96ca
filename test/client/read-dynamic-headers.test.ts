// @vitest-environment node
import { describe, expect, it } from "vitest";
import type { FetchFunction } from "../../src/client/index.js";
import { cutBody, trackingFetch, waitFor } from "../support/read-helpers.js";
import { testClient, uniquePath, sharedTestServer } from "../support/server.js";

const server = sharedTestServer();

/** Records the Authorization header and `tenant` parameter every request carried. */
function recordAuth(inner: FetchFunction): {
  fetch: FetchFunction;
  seen: Array<{ live: string | null; auth: string | null; tenant: string | null }>;
} {
  const seen: Array<{ live: string | null; auth: string | null; tenant: string | null }> = [];
  return {
    seen,
    fetch: (input, init) => {
      const url = new URL(input);
      if ((init.method ?? "GET") === "GET") {
        seen.push({
          live: url.searchParams.get("live"),
          auth: new Headers(init.headers).get("authorization"),
          tenant: url.searchParams.get("tenant"),
        });
      }
      return inner(input, init);
    },
  };
}

/** A token source that hands out a new token on every call, as a refreshing auth provider would. */
function rotatingToken(): { value: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    value: async () => `Bearer t${++calls}`,
    calls: () => calls,
  };
}

describe("dynamic headers and params on live reads", () => {
  it("resolves them again for every long-poll", async () => {
    const token = rotatingToken();
    let tenantCalls = 0;
    const recorder = recordAuth(trackingFetch().fetch);
    const client = testClient(server(), {
      fetch: recorder.fetch,
      headers: { Authorization: token.value },
      params: { tenant: () => `acme-${++tenantCalls}` },
    });
    const stream = client.stream(uniquePath("auth-lp"));
    await stream.create({ contentType: "text/plain" });
    await stream.append("a");
    const res = await stream.read({ live: "long-poll" });
    const texts: string[] = [];
    for await (const chunk of res.textChunks()) {
      texts.push(chunk.text);
      // Three long-polls time out (500 ms each) before the next append.
      if (recorder.seen.filter((r) => r.live === "long-poll").length >= 3) break;
    }
    const polls = recorder.seen.filter((r) => r.live === "long-poll");
    expect(polls.length).toBeGreaterThanOrEqual(3);
    const auths = recorder.seen.map((r) => r.auth);
    // Every request carried its own, freshly resolved token and parameter.
    expect(new Set(auths).size).toBe(auths.length);
    expect(new Set(recorder.seen.map((r) => r.tenant)).size).toBe(recorder.seen.length);
    expect(texts.join("")).toBe("a");
  });

  it("resolves them again for every SSE reconnect", async () => {
    const token = rotatingToken();
    let sseConnections = 0;
    // The reference server keeps SSE connections open; a wrapped fetch ends each of the first
    // two right after their first control event, as a proxy closing idle connections would.
    const tracked = trackingFetch((response, request) => {
      if (request.live !== "sse" || ++sseConnections > 2) return response;
      return cutBody(
        response,
        (text) => {
          const end = text.indexOf("\n\n", text.indexOf("event: control"));
          return text.includes("event: control") && end >= 0 ? end + 2 : undefined;
        },
        "close",
      );
    });
    const recorder = recordAuth(tracked.fetch);
    const client = testClient(server(), {
      fetch: recorder.fetch,
      headers: { Authorization: token.value },
    });
    const stream = client.stream(uniquePath("auth-sse"));
    await stream.create({ contentType: "text/plain" });
    await stream.append("x");
    const res = await stream.read({ live: "sse", sse: { minConnectionMs: 0 } });
    const feeding = (async () => {
      await waitFor(() => sseConnections >= 3, 10_000, "a third SSE connection");
      await stream.append("y");
      await stream.close();
    })();
    const texts: string[] = [];
    for await (const chunk of res.textChunks()) texts.push(chunk.text);
    await feeding;
    expect(texts.join("")).toBe("xy");
    const sse = recorder.seen.filter((r) => r.live === "sse");
    expect(sse.length).toBeGreaterThanOrEqual(3);
    expect(new Set(sse.map((r) => r.auth)).size).toBe(sse.length);
    expect(token.calls()).toBeGreaterThanOrEqual(recorder.seen.length);
  });
});
