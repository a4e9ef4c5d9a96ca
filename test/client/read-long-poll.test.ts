// @vitest-environment node
import { describe, expect, it } from "vitest";
import { Offset, type DurableStreamClientOptions } from "../../src/client/index.js";
import { delay, trackingFetch, waitFor } from "../support/read-helpers.js";
import { testClient, uniquePath, sharedTestServer } from "../support/server.js";

// The server answers an idle long-poll after 500 ms with 204 and a fresh cursor.
const server = sharedTestServer();

function setup(options: DurableStreamClientOptions = {}) {
  const tracked = trackingFetch();
  const client = testClient(server(), { fetch: tracked.fetch, ...options });
  return { tracked, client };
}

/** Whether a long-poll is in flight (sent, no answer yet). */
function polling(tracked: ReturnType<typeof trackingFetch>): boolean {
  const last = tracked.reads().at(-1);
  return last !== undefined && last.live === "long-poll" && last.response === undefined;
}

describe("long-poll reads", () => {
  it("sends the first request without live, then long-polls echoing the server's cursor", async () => {
    const { tracked, client } = setup();
    const stream = client.stream(uniquePath("lp"));
    await stream.create({ contentType: "application/json" });
    await stream.appendJson("a");
    const res = await stream.read({ live: "long-poll" });
    const cursors: Array<string | undefined> = [];
    for await (const batch of res.jsonBatches()) {
      cursors.push(batch.cursor);
      if (tracked.reads().length >= 4) break; // catch-up + three long-polls answered
    }
    const reads = tracked.reads();
    expect(reads[0]!.live).toBeNull();
    expect(reads[0]!.cursor).toBeNull();
    expect(reads.slice(1).every((r) => r.live === "long-poll")).toBe(true);
    // The catch-up response has no cursor; from then on each request echoes the last one.
    expect(reads[1]!.cursor).toBeNull();
    for (let i = 2; i < reads.length; i++) {
      const previous = reads[i - 1]!.response!.get("stream-cursor");
      expect(previous).toBeTruthy();
      expect(reads[i]!.cursor).toBe(previous);
    }
    // Every long-poll went out from the tail offset, which the first response reported.
    const tail = reads[0]!.response!.get("stream-next-offset");
    expect(reads.slice(1).every((r) => r.offset === tail)).toBe(true);
    // Each timed-out poll surfaced its new cursor.
    expect(cursors.at(-1)).toBe(reads.at(-1)!.response!.get("stream-cursor"));
  });

  it("sorts the query keys of every request, user parameters included", async () => {
    const { tracked, client } = setup({ params: { zeta: "z", alpha: "a", middle: "m" } });
    const stream = client.stream(uniquePath("sorted"));
    await stream.create({ contentType: "text/plain" });
    await stream.append("x");
    const res = await stream.read({ live: "long-poll" });
    for await (const chunk of res.textChunks()) {
      void chunk;
      if (tracked.reads().length >= 3) break;
    }
    const reads = tracked.reads();
    expect(reads.length).toBeGreaterThanOrEqual(3);
    for (const read of reads) {
      const keys = [...read.url.searchParams.keys()];
      expect(keys).toEqual([...keys].sort());
    }
    expect([...reads[2]!.url.searchParams.keys()]).toEqual([
      "alpha",
      "cursor",
      "live",
      "middle",
      "offset",
      "zeta",
    ]);
  });

  it("delivers data appended while a long-poll is waiting", async () => {
    const { tracked, client } = setup();
    const stream = client.stream(uniquePath("append"));
    await stream.create({ contentType: "application/json" });
    await stream.appendJson(0);
    const res = await stream.read({ live: "long-poll" });
    const items: unknown[] = [];
    const appended: unknown[] = [0];
    const feeding = (async () => {
      for (let n = 1; n <= 3; n++) {
        await waitFor(() => polling(tracked) && items.length === n, 10_000, "a long-poll");
        const next = { n, list: [n] };
        appended.push(next);
        await stream.appendJson(next);
      }
    })();
    for await (const item of res.jsonItems()) {
      items.push(item);
      if (items.length === 4) break;
    }
    await feeding;
    expect(items).toEqual(appended);
    // The appended data came back on long-polls.
    expect(
      tracked
        .reads()
        .slice(1)
        .every((r) => r.live === "long-poll"),
    ).toBe(true);
  });

  it("detects the end of the stream while polling and ends the iteration with closed: true", async () => {
    const { tracked, client } = setup();
    const stream = client.stream(uniquePath("close"));
    await stream.create({ contentType: "text/plain" });
    await stream.append("start ");
    const res = await stream.read({ live: "long-poll" });
    const chunks = [];
    void (async () => {
      await waitFor(() => polling(tracked), 10_000, "a long-poll in flight");
      await stream.append("middle ");
      await waitFor(() => polling(tracked), 10_000, "a second long-poll in flight");
      await stream.close({ data: "end" });
    })();
    for await (const chunk of res.textChunks()) chunks.push(chunk);
    expect(chunks.map((c) => c.text).join("")).toBe("start middle end");
    expect(chunks.at(-1)!.closed).toBe(true);
    expect(chunks.slice(0, -1).every((c) => !c.closed)).toBe(true);
    expect(res.closed).toBe(true);
    expect(res.upToDate).toBe(true);
    const count = tracked.reads().length;
    await delay(300);
    expect(tracked.reads()).toHaveLength(count);
  });

  it("ends at once when the stream is already closed, without any live request", async () => {
    const { tracked, client } = setup();
    const stream = client.stream(uniquePath("closed"));
    await stream.create({ contentType: "application/json" });
    await stream.appendJson("only");
    await stream.close();
    const res = await stream.read({ live: "long-poll" });
    const batches = [];
    for await (const batch of res.jsonBatches()) batches.push(batch);
    expect(batches.flatMap((b) => b.items)).toEqual(["only"]);
    expect(batches.at(-1)!.closed).toBe(true);
    expect(tracked.reads().every((r) => r.live === null)).toBe(true);
  });

  it("with Offset.now skips existing data and long-polls from the tail", async () => {
    const { tracked, client } = setup();
    const stream = client.stream(uniquePath("now"));
    await stream.create({ contentType: "application/json" });
    await stream.appendJson("old 1");
    const { offset: tail } = await stream.appendJson("old 2");
    const res = await stream.read({ offset: Offset.now, live: "long-poll" });
    const items: unknown[] = [];
    const feeding = (async () => {
      await waitFor(() => polling(tracked), 10_000, "a long-poll in flight");
      await stream.appendJson("new");
    })();
    for await (const item of res.jsonItems()) {
      items.push(item);
      break;
    }
    await feeding;
    expect(items).toEqual(["new"]);
    const reads = tracked.reads();
    // From `now` there is nothing to catch up on: the first request already waits (PROTOCOL.md §8).
    expect(reads[0]).toMatchObject({ offset: "now", live: "long-poll" });
    expect(reads.slice(1).every((read) => read.live === "long-poll")).toBe(true);
    expect(reads.slice(1).some((read) => read.offset === tail)).toBe(true);
  });
});
