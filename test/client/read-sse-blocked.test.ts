// @vitest-environment node
import { describe, expect, it } from "vitest";
import type { FetchFunction } from "../../src/client/index.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";

const server = sharedTestServer();

describe("SSE that never opens", () => {
  it("counts attempts that never opened as young deaths and falls back to long-poll", async () => {
    // A proxy that refuses event streams: the reference server cannot play that, so a
    // wrapped fetch fails every SSE request the way a refused connection does.
    const lives: Array<string | null> = [];
    const fetchFunction: FetchFunction = (input, init) => {
      const live = new URL(input).searchParams.get("live");
      if ((init.method ?? "GET") === "GET") lives.push(live);
      // Each refusal takes 100 ms, so one attempt with its retries outlives minConnectionMs.
      if (live === "sse") {
        return new Promise((_, reject) =>
          setTimeout(() => reject(new TypeError("fetch failed")), 100),
        );
      }
      return fetch(input, init);
    };
    const client = testClient(server(), { fetch: fetchFunction });
    const stream = client.stream(uniquePath("sse-blocked"));
    await stream.create({ contentType: "application/json" });
    await stream.appendJson("a");
    const res = await stream.read({ live: "sse", sse: { minConnectionMs: 200 } });
    const items: unknown[] = [];
    const feeding = (async () => {
      while (!lives.includes("long-poll")) await new Promise((r) => setTimeout(r, 20));
      await stream.appendJson("b");
      await stream.close();
    })();
    for await (const item of res.jsonItems()) items.push(item);
    await feeding;
    expect(items).toEqual(["a", "b"]);
    expect(lives.filter((live) => live === "sse").length).toBeGreaterThanOrEqual(3);
    expect(lives.at(-1)).toBe("long-poll");
  });
});
