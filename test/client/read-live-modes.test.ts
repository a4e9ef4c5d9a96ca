// @vitest-environment node
import { describe, expect, it } from "vitest";
import type { Checkpoint, DurableStream, LiveMode } from "../../src/client/index.js";
import { byteDiff, concat, patternBytes, trackingFetch, waitFor } from "../support/read-helpers.js";
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

describe("live modes", () => {
  it.each([
    ["application/json", "sse"],
    // Text long-polls: SSE cannot carry a bare CR, and loses a leading space on servers
    // that write `data:` without a separator (the reference server does).
    ["text/plain", "long-poll"],
    ["text/markdown; charset=utf-8", "long-poll"],
    ["application/octet-stream", "long-poll"],
    ["image/png", "long-poll"],
  ])("auto tails a %s stream with %s", async (contentType, transport) => {
    const { tracked, client } = setup();
    const stream = client.stream(uniquePath("auto"));
    await stream.create({ contentType });
    const res = await stream.read({ live: "auto" });
    const iterating = (async () => {
      for await (const chunk of res.byteChunks()) void chunk;
    })();
    await waitFor(() => liveWaiting(tracked), 10_000, "a live request");
    await stream.close();
    await iterating;
    const lives = tracked.reads().map((r) => r.live);
    expect(lives[0]).toBeNull();
    expect(lives.slice(1)).toEqual([transport]);
    expect(res.closed).toBe(true);
  });

  const modes: LiveMode[] = ["long-poll", "sse", "auto"];
  const kinds = [
    { iterable: "jsonItems", contentType: "application/json" },
    { iterable: "jsonBatches", contentType: "application/json" },
    { iterable: "textChunks", contentType: "text/plain" },
    { iterable: "byteChunks", contentType: "application/octet-stream" },
  ] as const;
  const cases = modes.flatMap((live) => kinds.map((kind) => ({ live, ...kind })));

  it.each(cases)(
    "$live detects the end of the stream and $iterable then finishes",
    async ({ live, iterable, contentType }) => {
      const { tracked, client } = setup();
      const stream = client.stream(uniquePath("end"));
      await stream.create({ contentType });
      const json = contentType === "application/json";
      const write = (n: number) => (json ? stream.appendJson({ n }) : stream.append(`part ${n};`));
      await write(1);
      const res = await stream.read({ live });
      let count = 0;
      const feeding = (async () => {
        await waitFor(() => liveWaiting(tracked), 10_000, "a live request");
        await write(2);
        await waitFor(() => liveWaiting(tracked) && count >= 2, 10_000, "the second message");
        await stream.close();
      })();
      const results: unknown[] = [];
      for await (const value of res[iterable]()) {
        if (iterable === "jsonItems") {
          results.push(value);
          count++;
        } else {
          const chunk = value as { items?: unknown[]; text?: string; data?: Uint8Array };
          if (chunk.items) results.push(...chunk.items);
          if (chunk.text) results.push(chunk.text);
          if (chunk.data?.length) results.push(new TextDecoder().decode(chunk.data));
          count = results.length;
        }
      }
      await feeding;
      expect(results).toEqual(json ? [{ n: 1 }, { n: 2 }] : ["part 1;", "part 2;"]);
      expect(res.closed).toBe(true);
      expect(res.upToDate).toBe(true);
    },
  );

  async function feedOneByOne(
    stream: DurableStream,
    tracked: ReturnType<typeof trackingFetch>,
    messages: unknown[],
    delivered: () => number,
  ): Promise<string[]> {
    const offsets: string[] = [];
    for (const [i, message] of messages.entries()) {
      await waitFor(() => liveWaiting(tracked) && delivered() === i + 1, 10_000, `message ${i}`);
      offsets.push((await stream.appendJson(message)).offset);
    }
    await waitFor(() => delivered() === messages.length + 1, 10_000, "the last message");
    await stream.close();
    return offsets;
  }

  it.each(["long-poll", "sse"] as const)(
    "%s: each batch's checkpoint is its own response's, and resuming from it yields exactly the rest",
    async (live) => {
      const { tracked, client } = setup();
      const stream = client.stream(uniquePath("cp"));
      await stream.create({ contentType: "application/json" });
      const { offset: firstOffset } = await stream.appendJson("m0");
      const res = await stream.read({ live });
      const saved: Array<{ checkpoint: Checkpoint; items: unknown[] }> = [];
      const messages = ["m1", { m: 2 }, [3, 3], "m4"];
      const feeding = feedOneByOne(stream, tracked, messages, () =>
        saved.reduce((n, s) => n + s.items.length, 0),
      );
      for await (const batch of res.jsonBatches()) {
        saved.push({ checkpoint: batch.checkpoint, items: batch.items });
        expect(batch.checkpoint).toEqual({ offset: batch.offset, cursor: batch.cursor });
      }
      const offsets = [firstOffset, ...(await feeding)];
      const withData = saved.filter((s) => s.items.length > 0);
      expect(withData.map((s) => s.items)).toEqual([["m0"], ...messages.map((m) => [m])]);
      // Each message came in its own response, so its batch ends at its own append's offset.
      expect(withData.map((s) => s.checkpoint.offset)).toEqual(offsets);
      if (live === "long-poll") {
        for (const { checkpoint } of withData.slice(1)) {
          const response = tracked
            .reads()
            .find(
              (r) =>
                r.status === 200 && r.response?.get("stream-next-offset") === checkpoint.offset,
            );
          expect(checkpoint.cursor).toBe(response!.response!.get("stream-cursor"));
        }
      }
      const all = ["m0", ...messages];
      for (const [i, { checkpoint }] of saved.entries()) {
        const rest = saved.slice(i + 1).flatMap((s) => s.items);
        const resumed = await stream.read({ checkpoint });
        expect(await resumed.json()).toEqual(rest);
        expect(rest).toEqual(all.slice(all.length - rest.length));
      }
    },
  );

  it("pieces of one large response checkpoint at the response's start, so resuming never skips", async () => {
    const { client } = setup();
    const stream = client.stream(uniquePath("pieces"));
    await stream.create({ contentType: "application/octet-stream" });
    const { offset: start } = await stream.append(patternBytes(100, 1));
    const big = patternBytes(2_500_000, 2);
    await stream.append(big);
    const res = await stream.read({ offset: start });
    const chunks = [];
    for await (const chunk of res.byteChunks()) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    expect(byteDiff(concat(chunks.map((c) => c.data)), big)).toBe("equal");
    for (const piece of chunks.slice(0, -1)) {
      expect(piece.checkpoint.offset).toBe(start);
      expect(piece.upToDate).toBe(false);
      expect((await (await stream.read({ checkpoint: piece.checkpoint })).bytes()).length).toBe(
        big.length,
      );
    }
    expect(chunks.at(-1)!.upToDate).toBe(true);
    expect(chunks.at(-1)!.checkpoint.offset).toBe(res.offset);
    expect(
      (await (await stream.read({ checkpoint: chunks.at(-1)!.checkpoint })).bytes()).length,
    ).toBe(0);
  });
});
