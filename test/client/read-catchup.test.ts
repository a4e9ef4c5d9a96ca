// @vitest-environment node
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  InvalidOffsetError,
  Offset,
  StreamNotFoundError,
  type DurableStream,
} from "../../src/client/index.js";
import { patternBytes, trackingFetch } from "../support/read-helpers.js";
import { testClient, uniquePath, sharedTestServer } from "../support/server.js";

const server = sharedTestServer();

afterEach(() => {
  vi.restoreAllMocks();
});

async function jsonStream(
  messages: unknown[],
): Promise<{ stream: DurableStream; offsets: string[] }> {
  const stream = testClient(server()).stream(uniquePath("json"));
  await stream.create({ contentType: "application/json" });
  const offsets: string[] = [];
  for (const message of messages) offsets.push((await stream.appendJson(message)).offset);
  return { stream, offsets };
}

describe("catch-up reads (live: off)", () => {
  it("json() returns every message in order, arrays staying one message", async () => {
    const messages = [{ a: 1 }, [1, 2], "text", 42, null, [[3]], { nested: { list: [true] } }];
    const { stream } = await jsonStream(messages);
    const res = await stream.read();
    expect(await res.json()).toEqual(messages);
    expect(res.upToDate).toBe(true);
    expect(res.closed).toBe(false);
  });

  it("text() returns the stream's text, multi-byte characters intact", async () => {
    const stream = testClient(server()).stream(uniquePath("text"));
    await stream.create({ contentType: "text/plain; charset=utf-8" });
    await stream.append("héllo ");
    await stream.append("wörld 🌍 ");
    await stream.append("€uro");
    const res = await stream.read();
    expect(await res.text()).toBe("héllo wörld 🌍 €uro");
    expect(res.contentType).toBe("text/plain; charset=utf-8");
  });

  it("bytes() returns every byte exactly, including non-UTF-8 ones", async () => {
    const stream = testClient(server()).stream(uniquePath("bin"));
    await stream.create({ contentType: "application/octet-stream" });
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const odd = Uint8Array.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0xed, 0xa0, 0x80]);
    await stream.append(all);
    await stream.append(odd);
    const res = await stream.read();
    const bytes = await res.bytes();
    expect(Array.from(bytes)).toEqual([...all, ...odd]);
  });

  it("an empty stream reads as nothing, up to date, in every form", async () => {
    const client = testClient(server());
    for (const contentType of ["application/json", "text/plain", "application/octet-stream"]) {
      const stream = client.stream(uniquePath("empty"));
      const { offset } = await stream.create({ contentType });
      const json = contentType === "application/json";
      if (json) expect(await (await stream.read()).json()).toEqual([]);
      expect(await (await stream.read()).text()).toBe(json ? "[]" : "");
      const res = await stream.read();
      expect((await res.bytes()).length).toBe(json ? 2 : 0);
      expect(res.upToDate).toBe(true);
      expect(res.offset).toBe(offset);
    }
  });

  it("Offset.now returns nothing and the tail offset", async () => {
    const { stream, offsets } = await jsonStream([1, 2, 3]);
    const res = await stream.read({ offset: Offset.now });
    expect(await res.json()).toEqual([]);
    expect(res.offset).toBe(offsets[2]);
    expect(res.startOffset).toBe(Offset.now);
    expect(res.upToDate).toBe(true);

    const bin = testClient(server()).stream(uniquePath("bin"));
    await bin.create({ contentType: "application/octet-stream" });
    const { offset: tail } = await bin.append(new Uint8Array([1, 2, 3]));
    const binRes = await bin.read({ offset: Offset.now });
    expect((await binRes.bytes()).length).toBe(0);
    expect(binRes.offset).toBe(tail);
  });

  it("resuming from an offset mid-stream returns exactly the rest", async () => {
    const messages = ["m0", { m: 1 }, [2, 2], "m3", 4];
    const { stream, offsets } = await jsonStream(messages);
    for (let k = 0; k < messages.length; k++) {
      const res = await stream.read({ offset: offsets[k] });
      expect(await res.json()).toEqual(messages.slice(k + 1));
      expect(res.offset).toBe(offsets[messages.length - 1]);
    }
  });

  it("resuming text and bytes from an offset returns exactly the rest", async () => {
    const client = testClient(server());
    const text = client.stream(uniquePath("text"));
    await text.create({ contentType: "text/plain" });
    const { offset: afterFirst } = await text.append("first|");
    await text.append("second|");
    await text.append("third");
    expect(await (await text.read({ offset: afterFirst })).text()).toBe("second|third");

    const bin = client.stream(uniquePath("bin"));
    await bin.create({ contentType: "application/octet-stream" });
    const head = patternBytes(1000, 3);
    const tail = patternBytes(777, 4);
    const { offset } = await bin.append(head);
    await bin.append(tail);
    expect(Array.from(await (await bin.read({ offset })).bytes())).toEqual(Array.from(tail));
  });

  it("a checkpoint resumes at its offset and its cursor goes out on the first live request", async () => {
    const tracked = trackingFetch();
    const client = testClient(server(), { fetch: tracked.fetch });
    const stream = client.stream(uniquePath("cp"));
    await stream.create({ contentType: "application/json" });
    await stream.appendJson("a");
    const { offset: mid } = await stream.appendJson("b");
    await stream.appendJson("c");

    // A real checkpoint: the server's cursor comes with long-poll responses.
    const first = await stream.read({ live: "long-poll" });
    const iterator = first.jsonBatches()[Symbol.asyncIterator]();
    await iterator.next(); // catch-up: a, b, c
    const timeout = await iterator.next(); // a long-poll that timed out
    first.cancel();
    expect(timeout.value?.cursor).toEqual(expect.any(String));
    const checkpoint = { offset: mid, cursor: timeout.value!.cursor };

    const before = tracked.reads().length;
    const res = await stream.read({ checkpoint, live: "long-poll" });
    const seen: unknown[] = [];
    for await (const batch of res.jsonBatches()) {
      seen.push(...batch.items);
      if (tracked.reads().length - before >= 2) break;
    }
    expect(seen).toEqual(["c"]);
    const [catchUp, live] = tracked.reads().slice(before);
    expect(catchUp!.offset).toBe(mid);
    expect(catchUp!.live).toBeNull();
    expect(catchUp!.cursor).toBeNull();
    expect(live!.live).toBe("long-poll");
    expect(live!.cursor).toBe(checkpoint.cursor);
  });

  it("a checkpoint wins over an offset given alongside", async () => {
    const { stream, offsets } = await jsonStream(["a", "b", "c"]);
    const res = await stream.read({ offset: Offset.now, checkpoint: { offset: offsets[0]! } });
    expect(res.startOffset).toBe(offsets[0]);
    expect(await res.json()).toEqual(["b", "c"]);
  });

  it("a malformed offset is an InvalidOffsetError (400) from read() itself", async () => {
    const { stream } = await jsonStream([1]);
    const error = await stream.read({ offset: "not-an-offset" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidOffsetError);
    expect(error).toMatchObject({ code: "INVALID_OFFSET", status: 400, offset: "not-an-offset" });
  });

  it("a missing stream is a StreamNotFoundError from read() itself", async () => {
    const tracked = trackingFetch();
    const stream = testClient(server(), { fetch: tracked.fetch }).stream(uniquePath("missing"));
    for (const live of ["off", "long-poll", "sse", "auto"] as const) {
      await expect(stream.read({ live })).rejects.toBeInstanceOf(StreamNotFoundError);
    }
    // 404 is not retried, and the first request never carries `live`.
    expect(tracked.reads()).toHaveLength(4);
    expect(tracked.reads().every((r) => r.live === null)).toBe(true);
  });

  it("a catch-up read makes one plain request and stops", async () => {
    const tracked = trackingFetch();
    const stream = testClient(server(), { fetch: tracked.fetch }).stream(uniquePath("one"));
    await stream.create({ contentType: "text/plain" });
    await stream.append("x");
    const chunks = [];
    for await (const chunk of (await stream.read()).textChunks()) chunks.push(chunk);
    expect(chunks.map((c) => c.text)).toEqual(["x"]);
    expect(chunks[0]).toMatchObject({ upToDate: true, closed: false });
    expect(tracked.reads()).toHaveLength(1);
    expect(tracked.reads()[0]!.live).toBeNull();
  });

  it("a large text stream arrives in pieces and decodes intact", async () => {
    const stream = testClient(server()).stream(uniquePath("bigtext"));
    await stream.create({ contentType: "text/plain" });
    const part = "€ü🌍".repeat(100_000); // 900 kB of multi-byte characters
    await stream.append(part);
    await stream.append(part);
    await stream.append(part);
    const chunks: string[] = [];
    for await (const chunk of (await stream.read()).textChunks()) chunks.push(chunk.text);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join("")).toBe(part.repeat(3));
    expect(chunks.join("")).not.toContain("\ufffd");
  });

  it("a large JSON body decodes intact as it arrives, characters split across network reads", async () => {
    const stream = testClient(server()).stream(uniquePath("bigjson"));
    await stream.create({ contentType: "application/json" });
    // About 2.7 MB of multi-byte text in 300 messages: the body comes in many reads, and
    // a read ends inside a character somewhere (the decoder carries it into the next).
    const messages = Array.from({ length: 300 }, (_, i) => ({ i, text: "€ü🌍".repeat(1000 + i) }));
    for (let i = 0; i < messages.length; i += 50) {
      // A JSON array body appends its elements as messages.
      await stream.append(JSON.stringify(messages.slice(i, i + 50)), {
        contentType: "application/json",
      });
    }
    const received = await (await stream.read()).json();
    expect(received).toEqual(messages);
    expect(JSON.stringify(received)).not.toContain("\ufffd");
  });

  it("never prints the plain-HTTP warning in Node", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const { stream } = await jsonStream([1]);
    await (await stream.read()).json();
    expect(warn).not.toHaveBeenCalled();
  });
});
