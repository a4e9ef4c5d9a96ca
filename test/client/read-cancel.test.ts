// @vitest-environment node
import { describe, expect, it } from "vitest";
import { DurableStreamError, type LiveMode } from "../../src/client/index.js";
import { delay, patternBytes, trackingFetch, waitFor } from "../support/read-helpers.js";
import { testClient, uniquePath, sharedTestServer } from "../support/server.js";

const server = sharedTestServer();

function setup() {
  const tracked = trackingFetch();
  return { tracked, client: testClient(server(), { fetch: tracked.fetch }) };
}

/** Whether a live request is in flight (long-poll waiting, or SSE connected). */
function liveWaiting(tracked: ReturnType<typeof trackingFetch>): boolean {
  const last = tracked.reads().at(-1);
  if (last?.live === "sse") return last.response !== undefined;
  return last?.live === "long-poll" && last.response === undefined;
}

async function textStream(client: ReturnType<typeof setup>["client"], text = "hello") {
  const stream = client.stream(uniquePath("cancel"));
  await stream.create({ contentType: "text/plain" });
  await stream.append(text);
  return stream;
}

describe("cancellation", () => {
  it.each(["long-poll", "sse"] as const)(
    "res.cancel() ends a %s iteration quietly and stops the requests",
    async (live) => {
      const { tracked, client } = setup();
      const stream = await textStream(client);
      const res = await stream.read({ live });
      const texts: string[] = [];
      const iterating = (async () => {
        for await (const chunk of res.textChunks()) if (chunk.text) texts.push(chunk.text);
      })();
      await waitFor(() => liveWaiting(tracked), 10_000, "a live request");
      res.cancel();
      await expect(iterating).resolves.toBeUndefined();
      expect(texts).toEqual(["hello"]);
      const last = tracked.reads().at(-1)!;
      expect(last.live).toBe(live);
      expect(last.signal?.aborted).toBe(true);
      const count = tracked.requests.length;
      await delay(300);
      expect(tracked.requests).toHaveLength(count);
    },
  );

  it("await using cancels the read when the scope ends", async () => {
    const { tracked, client } = setup();
    const stream = await textStream(client);
    let iterating: Promise<void> | undefined;
    const texts: string[] = [];
    {
      await using res = await stream.read({ live: "long-poll" });
      iterating = (async () => {
        for await (const chunk of res.textChunks()) texts.push(chunk.text);
      })();
      await waitFor(() => liveWaiting(tracked), 10_000, "a long-poll");
    }
    await expect(iterating).resolves.toBeUndefined();
    expect(tracked.reads().at(-1)!.signal?.aborted).toBe(true);
    const count = tracked.requests.length;
    await delay(300);
    expect(tracked.requests).toHaveLength(count);
    expect(texts).toEqual(["hello"]);
  });

  it("breaking out of the loop cancels the read", async () => {
    const { tracked, client } = setup();
    const stream = await textStream(client);
    const res = await stream.read({ live: "long-poll" });
    for await (const chunk of res.textChunks()) {
      expect(chunk.text).toBe("hello");
      break;
    }
    const count = tracked.requests.length;
    await delay(300);
    expect(tracked.requests).toHaveLength(count);
    expect(count).toBe(tracked.requests.filter((r) => r.method !== "GET").length + 1);
  });

  it.each(["long-poll", "sse"] as const)(
    "aborting the read's signal during %s rejects the iteration with the signal's reason",
    async (live: LiveMode) => {
      const { tracked, client } = setup();
      const stream = await textStream(client);
      const controller = new AbortController();
      const res = await stream.read({ live, signal: controller.signal });
      const iterating = (async () => {
        for await (const chunk of res.textChunks()) void chunk;
      })();
      await waitFor(() => liveWaiting(tracked), 10_000, "a live request");
      const reason = new Error("the caller gave up");
      controller.abort(reason);
      await expect(iterating).rejects.toBe(reason);
      const count = tracked.requests.length;
      await delay(300);
      expect(tracked.requests).toHaveLength(count);
    },
  );

  it("aborting the signal while a large body streams in rejects with the signal's reason", async () => {
    const { client } = setup();
    const stream = client.stream(uniquePath("big"));
    await stream.create({ contentType: "application/octet-stream" });
    await stream.append(patternBytes(3_000_000, 3));
    const controller = new AbortController();
    const reason = new Error("stop reading");
    const res = await stream.read({ signal: controller.signal });
    const iterating = (async () => {
      for await (const chunk of res.byteChunks()) {
        expect(chunk.upToDate).toBe(false); // a piece: the body is still coming
        controller.abort(reason);
      }
    })();
    await expect(iterating).rejects.toBe(reason);
  });

  it("cancel() while a large body streams in ends the iteration quietly", async () => {
    const { client } = setup();
    const stream = client.stream(uniquePath("big"));
    await stream.create({ contentType: "application/octet-stream" });
    await stream.append(patternBytes(3_000_000, 4));
    const res = await stream.read();
    let pieces = 0;
    for await (const chunk of res.byteChunks()) {
      pieces++;
      expect(chunk.upToDate).toBe(false);
      res.cancel();
    }
    expect(pieces).toBe(1);
  });

  it("a signal aborted before read() rejects read() with its reason", async () => {
    const { client } = setup();
    const stream = await textStream(client);
    const reason = new Error("never mind");
    await expect(stream.read({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
  });

  it("a response can be consumed only once", async () => {
    const { client } = setup();
    const stream = client.stream(uniquePath("once"));
    await stream.create({ contentType: "application/json" });
    await stream.appendJson("x");
    const res = await stream.read();
    expect(await res.json()).toEqual(["x"]);
    for (const again of [() => res.text(), () => res.bytes(), () => res.json()]) {
      const error = await again().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DurableStreamError);
      expect(error).toMatchObject({ code: "INVALID_ARGUMENT" });
    }
    const second = await stream.read();
    const iterator = second.jsonItems();
    expect((await iterator.next()).value).toBe("x");
    await expect(second.byteChunks().next()).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
  });
});
