// @vitest-environment node
import { describe, expect, it } from "vitest";
import { ParseError } from "../../src/client/index.js";
import { trackingFetch } from "../support/read-helpers.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";

const server = sharedTestServer();

/** A response with one header replaced (the body passes through untouched). */
function withHeader(response: Response, name: string, value: string): Response {
  const headers = new Headers(response.headers);
  headers.set(name, value);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

describe("offsets never move backwards", () => {
  it("stays put when an empty answer names an older offset, and delivers nothing twice", async () => {
    // The reference server's file store can answer a caught-up reader with an offset older than
    // the one it asked for while a write is being committed; the in-memory store used here never
    // does, so a wrapped fetch plays that answer on the first empty long-poll.
    const written: { older?: string } = {};
    let rewritten = 0;
    const tracked = trackingFetch((response, request) => {
      if (
        request.live === "long-poll" &&
        response.status === 204 &&
        written.older &&
        rewritten === 0
      ) {
        rewritten++;
        return withHeader(response, "stream-next-offset", written.older!);
      }
      return response;
    });
    const client = testClient(server(), { fetch: tracked.fetch });
    const stream = client.stream(uniquePath("monotonic"));
    await stream.create({ contentType: "text/plain" });
    written.older = (await stream.append("a")).offset;
    await stream.append("b");
    const res = await stream.read({ live: "long-poll" });
    const texts: string[] = [];
    for await (const chunk of res.textChunks()) {
      texts.push(chunk.text);
      if (rewritten === 1 && tracked.reads().length >= 4) break;
    }
    expect(rewritten).toBe(1);
    expect(texts.join("")).toBe("ab");
    // No request ever went back to the older offset.
    expect(
      tracked
        .reads()
        .slice(1)
        .every((r) => r.offset !== written.older),
    ).toBe(true);
  });

  it("treats data under an older offset as a protocol violation", async () => {
    const written: { older?: string } = {};
    const tracked = trackingFetch((response, request) =>
      request.method === "GET" && request.live === null && request.offset !== "-1" && written.older
        ? withHeader(response, "stream-next-offset", written.older!)
        : response,
    );
    const client = testClient(server(), { fetch: tracked.fetch });
    const stream = client.stream(uniquePath("monotonic-data"));
    await stream.create({ contentType: "text/plain" });
    written.older = (await stream.append("a")).offset;
    const { offset } = await stream.append("b");
    await stream.append("c");
    const res = await stream.read({ offset });
    await expect(res.text()).rejects.toBeInstanceOf(ParseError);
  });
});
