// @vitest-environment node
import { afterEach, describe, expect, it } from "vitest";
import { ParseError, type DurableStreamClientOptions } from "../../src/client/index.js";
import { clearFaults, injectFault } from "../support/faults.js";
import {
  cutBody,
  delay,
  trackingFetch,
  waitFor,
  type TrackedRequest,
} from "../support/read-helpers.js";
import { testClient, uniquePath, sharedTestServer } from "../support/server.js";

const server = sharedTestServer();

afterEach(async () => {
  await clearFaults(server().url);
});

function setup(
  transform?: (response: Response, request: TrackedRequest) => Response,
  options: DurableStreamClientOptions = {},
) {
  const tracked = trackingFetch(transform);
  const client = testClient(server(), { fetch: tracked.fetch, ...options });
  return { tracked, client };
}

/** Whether an SSE connection is open (its headers arrived). */
function sseOpen(tracked: ReturnType<typeof trackingFetch>): boolean {
  const last = tracked.reads().at(-1);
  return last?.live === "sse" && last.response !== undefined;
}

/** Index just past the `n`-th occurrence of `needle`, or -1. */
function after(text: string, needle: string, n: number): number {
  let at = -1;
  for (let i = 0; i < n; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) return -1;
  }
  return at + needle.length;
}

describe("SSE reads", () => {
  it("delivers data appended live over one SSE connection", async () => {
    const { tracked, client } = setup();
    const stream = client.stream(uniquePath("sse"));
    await stream.create({ contentType: "text/plain" });
    await stream.append("hello ");
    const res = await stream.read({ live: "sse" });
    const texts: string[] = [];
    const feeding = (async () => {
      // No leading spaces: the reference server writes `data:${line}`, so a line starting
      // with a space loses it to the SSE rule that strips one space after the colon.
      for (const word of ["live ", "wörld 🌍"]) {
        await waitFor(() => sseOpen(tracked) && texts.length > 0, 10_000, "SSE");
        const seen = texts.length;
        await stream.append(word);
        await waitFor(() => texts.length > seen, 10_000, "delivery");
      }
      await stream.close();
    })();
    for await (const chunk of res.textChunks()) if (chunk.text) texts.push(chunk.text);
    await feeding;
    expect(texts).toEqual(["hello ", "live ", "wörld 🌍"]);
    const reads = tracked.reads();
    expect(reads.map((r) => r.live)).toEqual([null, "sse"]);
    expect(reads[1]!.response!.get("content-type")).toMatch(/^text\/event-stream/);
  });

  it("merges several JSON messages into one batch, in order, arrays staying one message each", async () => {
    const { tracked, client } = setup();
    const stream = client.stream(uniquePath("batch"));
    await stream.create({ contentType: "application/json" });
    const res = await stream.read({ live: "sse" });
    const batches: unknown[][] = [];
    const feeding = (async () => {
      await waitFor(() => sseOpen(tracked), 10_000, "SSE");
      // One POST of three messages: the server sends three data events, then one control event.
      await stream.append(JSON.stringify([1, { two: 2 }, "three"]), {
        contentType: "application/json",
      });
      await waitFor(() => batches.length === 1, 10_000, "first batch");
      await stream.append(JSON.stringify([[1, 2], [], [[3]], { a: [4] }]), {
        contentType: "application/json",
      });
      await waitFor(() => batches.length === 2, 10_000, "second batch");
      await stream.appendJson([5, 6]);
      await waitFor(() => batches.length === 3, 10_000, "third batch");
      await stream.close();
    })();
    for await (const batch of res.jsonBatches()) if (batch.items.length) batches.push(batch.items);
    await feeding;
    expect(batches).toEqual([[1, { two: 2 }, "three"], [[1, 2], [], [[3]], { a: [4] }], [[5, 6]]]);
    expect(tracked.reads().filter((r) => r.live === "sse")).toHaveLength(1);
  });

  it("decodes a binary stream's base64 events to the exact bytes", async () => {
    const { tracked, client } = setup();
    const stream = client.stream(uniquePath("bin"));
    await stream.create({ contentType: "application/octet-stream" });
    const parts = [
      Uint8Array.from({ length: 256 }, (_, i) => 255 - i),
      Uint8Array.from([0x00]),
      Uint8Array.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x00, 0x0a, 0x0d]),
      Uint8Array.from([0x0d, 0x0a, 0x0d]),
    ];
    await stream.append(parts[0]!);
    const res = await stream.read({ live: "sse" });
    const received: number[][] = [];
    const feeding = (async () => {
      for (const part of parts.slice(1)) {
        await waitFor(() => sseOpen(tracked), 10_000, "SSE");
        const seen = received.length;
        await stream.append(part);
        await waitFor(() => received.length > seen, 10_000, "delivery");
      }
      await stream.close();
    })();
    for await (const chunk of res.byteChunks())
      if (chunk.data.length) received.push([...chunk.data]);
    await feeding;
    expect(received).toEqual(parts.map((p) => [...p]));
    const sse = tracked.reads().find((r) => r.live === "sse")!;
    expect(sse.response!.get("stream-sse-data-encoding")).toBe("base64");
  });

  it("ignores event types it does not know", async () => {
    let sseText = "";
    const { tracked, client } = setup((response, request) =>
      request.live === "sse"
        ? cutBody(response, (text) => ((sseText = text), undefined), "close")
        : response,
    );
    const path = uniquePath("unknown");
    const stream = client.stream(path);
    await stream.create({ contentType: "application/json" });
    await stream.appendJson("before");
    const res = await stream.read({ live: "sse" });
    await injectFault(server().url, path, {
      method: "GET",
      count: 1,
      injectSseEvent: { eventType: "unknown-future-type", data: '{"whatever":[1,2]}' },
    });
    const items: unknown[] = [];
    const feeding = (async () => {
      await waitFor(() => sseOpen(tracked) && items.length === 1, 10_000, "SSE");
      await stream.appendJson("after");
      await stream.close();
    })();
    for await (const item of res.jsonItems()) items.push(item);
    await feeding;
    expect(items).toEqual(["before", "after"]);
    expect(sseText).toContain("event: unknown-future-type");
  });

  it.each([
    ["a malformed", "{invalid"],
    ["an empty", ""],
  ])("fails with ParseError on %s control event", async (_label, data) => {
    const { tracked, client } = setup();
    const path = uniquePath("control");
    const stream = client.stream(path);
    await stream.create({ contentType: "application/json" });
    await stream.appendJson(1);
    // The first GET (the catch-up) consumes one; the SSE request gets the second.
    await injectFault(server().url, path, {
      method: "GET",
      count: 2,
      injectSseEvent: { eventType: "control", data },
    });
    const res = await stream.read({ live: "sse" });
    const items: unknown[] = [];
    const error = await (async () => {
      for await (const item of res.jsonItems()) items.push(item);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ code: "PARSE_ERROR" });
    expect(items).toEqual([1]);
    // A protocol violation is final: no reconnect.
    expect(tracked.reads().filter((r) => r.live === "sse")).toHaveLength(1);
  });

  it("never reconnects after streamClosed", async () => {
    const { tracked, client } = setup();
    const stream = client.stream(uniquePath("eof"));
    await stream.create({ contentType: "text/plain" });
    await stream.append("a");
    const res = await stream.read({ live: "sse" });
    void (async () => {
      await waitFor(() => sseOpen(tracked), 10_000, "SSE");
      await stream.close({ data: "z" });
    })();
    const chunks = [];
    for await (const chunk of res.textChunks()) chunks.push(chunk);
    expect(chunks.map((c) => c.text).join("")).toBe("az");
    expect(chunks.at(-1)!.closed).toBe(true);
    expect(res.closed).toBe(true);
    const count = tracked.requests.length;
    await delay(300);
    expect(tracked.requests).toHaveLength(count);
    expect(tracked.reads().map((r) => r.live)).toEqual([null, "sse"]);
  });

  it.each(["error", "close"] as const)(
    "reconnects from the last control offset when the connection drops mid-event (%s)",
    async (ending) => {
      // The reference server never drops an SSE connection mid-event: a wrapped fetch cuts
      // the first connection's body inside its third data event.
      let connections = 0;
      const { tracked, client } = setup((response, request) => {
        if (request.live !== "sse" || connections++ > 0) return response;
        return cutBody(
          response,
          (text) => {
            const cut = after(text, "event: data\n", 3);
            return cut >= 0 && text.length >= cut + 4 ? cut + 4 : undefined;
          },
          ending,
        );
      });
      const stream = client.stream(uniquePath("drop"));
      await stream.create({ contentType: "text/plain" });
      await stream.append("m0|");
      const res = await stream.read({ live: "sse", sse: { minConnectionMs: 10 } });
      const texts: string[] = [];
      const offsets: string[] = [];
      const feeding = (async () => {
        for (let n = 1; n <= 5; n++) {
          await waitFor(() => sseOpen(tracked) && texts.length === n, 10_000, `message ${n}`);
          offsets[n] = (await stream.append(`m${n}|`)).offset;
        }
        await waitFor(() => texts.length === 6, 10_000, "last message");
        await stream.close();
      })();
      for await (const chunk of res.textChunks()) if (chunk.text) texts.push(chunk.text);
      await feeding;
      expect(texts.join("")).toBe("m0|m1|m2|m3|m4|m5|");
      const sse = tracked.reads().filter((r) => r.live === "sse");
      expect(sse).toHaveLength(2);
      // The second connection starts right after the last batch the first one completed.
      expect(sse[1]!.offset).toBe(offsets[2]);
    },
  );

  it("falls back to long-poll for good when SSE connections keep dying young", async () => {
    // Stands in for a buffering proxy: every SSE body ends right after its first control event.
    const { tracked, client } = setup((response, request) => {
      if (request.live !== "sse") return response;
      return cutBody(
        response,
        (text) => {
          const end = text.indexOf("\n\n", text.indexOf("event: control"));
          return text.includes("event: control") && end >= 0 ? end + 2 : undefined;
        },
        "close",
      );
    });
    const stream = client.stream(uniquePath("fallback"));
    await stream.create({ contentType: "application/json" });
    await stream.appendJson("first");
    const res = await stream.read({
      live: "auto",
      sse: { minConnectionMs: 5_000, maxShortConnections: 3 },
    });
    const items: unknown[] = [];
    const feeding = (async () => {
      await waitFor(
        () => tracked.reads().at(-1)?.live === "long-poll" && items.length === 1,
        10_000,
        "the fall-back to long-poll",
      );
      await stream.appendJson("second");
      await waitFor(() => items.length === 2, 10_000, "second");
      await stream.close();
    })();
    for await (const item of res.jsonItems()) items.push(item);
    await feeding;
    expect(items).toEqual(["first", "second"]);
    const lives = tracked.reads().map((r) => r.live);
    expect(lives.slice(0, 4)).toEqual([null, "sse", "sse", "sse"]);
    expect(lives.slice(4).length).toBeGreaterThan(0);
    expect(lives.slice(4).every((live) => live === "long-poll")).toBe(true);
    expect(res.closed).toBe(true);
  });
});
