// @vitest-environment node
import { describe, expect, it, vi } from "vitest";
import { IdempotentProducer, InvalidArgumentError } from "../../src/client/index.js";
import { testClient, uniquePath, sharedTestServer } from "../support/server.js";
import {
  Wire,
  bodyText,
  collectErrors,
  readBack,
  readBackJson,
  readBackText,
} from "../support/producer-wire.js";

const server = sharedTestServer();
const encoder = new TextEncoder();

async function setup(contentType: string) {
  const wire = new Wire();
  const client = testClient(server(), { fetch: wire.fetch });
  const path = uniquePath("producer");
  const stream = await client.createStream(path, { contentType });
  return { wire, client, path, stream };
}

describe("producer id, epoch and sequence", () => {
  it("sends all three producer headers on every request, one sequence number per batch", async () => {
    const { wire, path, stream } = await setup("text/plain");
    const producer = new IdempotentProducer(stream, "writer-1", { lingerMs: 0 });
    producer.append("a");
    producer.append("b"); // same task: same batch
    await producer.flush();
    producer.append("c");
    await producer.flush();
    producer.append("d");
    await producer.close();

    const posts = wire.requests.filter((r) => r.method === "POST");
    expect(posts.length).toBe(4);
    expect(posts.map((r) => r.producer)).toEqual([
      { id: "writer-1", epoch: 0, seq: 0 },
      { id: "writer-1", epoch: 0, seq: 1 },
      { id: "writer-1", epoch: 0, seq: 2 },
      { id: "writer-1", epoch: 0, seq: 3 },
    ]);
    expect(posts.map(bodyText)).toEqual(["ab", "c", "d", ""]);
    expect(posts[3]!.headers.get("stream-closed")).toBe("true");
    expect(posts.every((r) => r.status === 200 || r.status === 204)).toBe(true);
    expect(producer.nextSeq).toBe(4);
    expect(await readBackText(server().url, path)).toBe("abcd");
  });

  it("starts at the configured epoch; restart() starts the next epoch at sequence 0", async () => {
    const { wire, path, stream } = await setup("text/plain");
    const producer = new IdempotentProducer(stream, "writer-2", { epoch: 3, lingerMs: 0 });
    const errors = collectErrors(producer);
    producer.append("one;");
    await producer.flush();
    producer.append("two;");
    await producer.flush();
    expect([producer.epoch, producer.nextSeq]).toEqual([3, 2]);

    await producer.restart();
    expect([producer.epoch, producer.nextSeq]).toEqual([4, 0]);
    producer.append("three;");
    await producer.flush();
    producer.append("four;");
    await producer.flush();

    expect(wire.producerPosts.map((r) => [r.producer!.epoch, r.producer!.seq])).toEqual([
      [3, 0],
      [3, 1],
      [4, 0],
      [4, 1],
    ]);
    expect(errors).toEqual([]);
    expect(await readBackText(server().url, path)).toBe("one;two;three;four;");
  });
});

describe("message encoding", () => {
  it("wraps each JSON message once, so an array stays one message", async () => {
    const { wire, path, stream } = await setup("application/json");
    const producer = new IdempotentProducer(stream, "json-1", { lingerMs: 60_000 });
    producer.append("text");
    producer.append(42);
    producer.append(null);
    producer.append({ a: 1, nested: { b: [true] } });
    producer.append([1, 2]);
    producer.append(encoder.encode('{"pre":"serialised"}'));
    await producer.flush();

    expect(wire.producerPosts.map(bodyText)).toEqual([
      '["text",42,null,{"a":1,"nested":{"b":[true]}},[1,2],{"pre":"serialised"}]',
    ]);
    expect(await readBackJson(server().url, path)).toEqual([
      "text",
      42,
      null,
      { a: 1, nested: { b: [true] } },
      [1, 2],
      { pre: "serialised" },
    ]);
  });

  it("concatenates bytes and text on a byte stream", async () => {
    const { wire, path, stream } = await setup("application/octet-stream");
    const producer = new IdempotentProducer(stream, "bytes-1", { lingerMs: 60_000 });
    producer.append(new Uint8Array([0, 1, 2, 255]));
    producer.append("hé");
    producer.append(new Uint8Array([7]));
    await producer.flush();
    expect(wire.producerPosts.length).toBe(1);
    expect([...(await readBack(server().url, path))]).toEqual([0, 1, 2, 255, 0x68, 0xc3, 0xa9, 7]);
  });

  it("concatenates text on a text stream", async () => {
    const { path, stream } = await setup("text/plain");
    const producer = new IdempotentProducer(stream, "text-1", { lingerMs: 60_000 });
    for (const word of ["the ", "quick ", "brown ", "fox"]) producer.append(word);
    await producer.flush();
    expect(await readBackText(server().url, path)).toBe("the quick brown fox");
  });

  it("refuses a non-text value on a non-JSON stream at append time", async () => {
    const { wire, stream } = await setup("text/plain");
    const producer = new IdempotentProducer(stream, "text-2");
    expect(() => producer.append({ not: "text" })).toThrow(InvalidArgumentError);
    expect(producer.pendingCount).toBe(0);
    await producer.flush();
    expect(wire.producerPosts).toEqual([]);
  });

  it("learns the content type with a HEAD when the handle does not know it", async () => {
    const { path } = await setup("application/json");
    const wire = new Wire();
    const stream = testClient(server(), { fetch: wire.fetch }).stream(path);
    expect(stream.contentType).toBeUndefined();
    const producer = new IdempotentProducer(stream, "json-2", { lingerMs: 0 });
    producer.append({ x: 1 });
    producer.append("s");
    await producer.flush();
    expect(wire.requests.map((r) => r.method)).toEqual(["HEAD", "POST"]);
    expect(bodyText(wire.producerPosts[0]!)).toBe('[{"x":1},"s"]');
    expect(await readBackJson(server().url, path)).toEqual([{ x: 1 }, "s"]);
  });
});

describe("batching", () => {
  it("sends a batch as soon as it reaches maxBatchBytes, without waiting for the linger time", async () => {
    const { wire, path, stream } = await setup("text/plain");
    const producer = new IdempotentProducer(stream, "size-1", {
      maxBatchBytes: 10,
      lingerMs: 60_000,
    });
    for (const chunk of ["aaaaa", "bbbbb", "ccccc", "ddddd"]) producer.append(chunk);
    await vi.waitFor(() => expect(wire.producerPosts.length).toBe(2), { timeout: 5000 });
    expect(wire.producerPosts.map(bodyText)).toEqual(["aaaaabbbbb", "cccccddddd"]);

    producer.append("eeeee"); // below the limit: it lingers
    expect(producer.pendingCount).toBe(1);
    expect(wire.producerPosts.length).toBe(2);
    await producer.flush();
    expect(wire.producerPosts.map(bodyText)).toEqual(["aaaaabbbbb", "cccccddddd", "eeeee"]);
    expect(await readBackText(server().url, path)).toBe("aaaaabbbbbcccccdddddeeeee");
  });

  it("sends a batch as soon as it holds maxBatchItems messages", async () => {
    const { wire, path, stream } = await setup("application/json");
    const producer = new IdempotentProducer(stream, "items-1", {
      maxBatchItems: 3,
      lingerMs: 60_000,
    });
    for (let n = 1; n <= 7; n++) producer.append({ n });
    await vi.waitFor(() => expect(wire.producerPosts.length).toBe(2), { timeout: 5000 });
    expect(wire.producerPosts.map(bodyText)).toEqual([
      '[{"n":1},{"n":2},{"n":3}]',
      '[{"n":4},{"n":5},{"n":6}]',
    ]);
    expect(producer.pendingCount).toBe(1);
    await producer.flush();
    expect(await readBackJson(server().url, path)).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((n) => ({ n })),
    );
  });

  it("keeps the messages that do not fill a batch lingering when the limit is reached", async () => {
    const { wire, stream } = await setup("text/plain");
    const producer = new IdempotentProducer(stream, "size-2", {
      maxBatchBytes: 10,
      lingerMs: 60_000,
    });
    producer.append("111111");
    producer.append("222222"); // 12 bytes pending: the first batch is full
    await vi.waitFor(() => expect(wire.producerPosts.length).toBe(1), { timeout: 5000 });
    expect(bodyText(wire.producerPosts[0]!)).toBe("111111");
    expect(producer.pendingCount).toBe(1);
    await producer.flush();
    expect(wire.producerPosts.map(bodyText)).toEqual(["111111", "222222"]);
  });

  it("sends a message larger than maxBatchBytes alone", async () => {
    const { wire, stream } = await setup("text/plain");
    const producer = new IdempotentProducer(stream, "size-3", {
      maxBatchBytes: 4,
      lingerMs: 60_000,
    });
    producer.append("ab");
    producer.append("0123456789");
    producer.append("cd");
    await producer.flush();
    expect(wire.producerPosts.map(bodyText)).toEqual(["ab", "0123456789", "cd"]);
  });

  it("sends what lingered once lingerMs expires, in one batch", async () => {
    const { wire, path, stream } = await setup("text/plain");
    const producer = new IdempotentProducer(stream, "linger-1", { lingerMs: 100 });
    producer.append("x");
    producer.append("y");
    expect(wire.producerPosts.length).toBe(0);
    expect(producer.pendingCount).toBe(2);
    await vi.waitFor(() => expect(wire.producerPosts[0]?.status).toBe(200), { timeout: 5000 });
    expect(wire.producerPosts.map(bodyText)).toEqual(["xy"]);
    expect(producer.pendingCount).toBe(0);
    expect(await readBackText(server().url, path)).toBe("xy");
  });

  it("with lingerMs 0 sends what one task appended as one batch, without flush()", async () => {
    const { wire, stream } = await setup("text/plain");
    const producer = new IdempotentProducer(stream, "linger-0", { lingerMs: 0 });
    producer.append("a");
    producer.append("b");
    producer.append("c");
    expect(wire.producerPosts.length).toBe(0);
    await vi.waitFor(() => expect(wire.producerPosts[0]?.status).toBe(200), { timeout: 5000 });
    expect(wire.producerPosts.map(bodyText)).toEqual(["abc"]);
  });

  it("flush() sends at once and resolves after the acknowledgement, tracking lastOffset", async () => {
    const { wire, stream } = await setup("text/plain");
    const producer = new IdempotentProducer(stream, "flush-1", { lingerMs: 60_000 });
    producer.append("hello");
    expect(wire.producerPosts.length).toBe(0);
    await producer.flush();
    expect(wire.producerPosts.length).toBe(1);
    expect(wire.producerPosts[0]!.status).toBe(200);
    const head = await stream.head();
    expect(producer.lastOffset).toBe(head.offset);
    expect(producer.pendingCount).toBe(0);
    expect(producer.inFlightCount).toBe(0);
  });

  it("splits a JSON batch at maxBatchBytes, each request a valid JSON array", async () => {
    const { wire, path, stream } = await setup("application/json");
    const producer = new IdempotentProducer(stream, "json-size", {
      maxBatchBytes: 20,
      lingerMs: 60_000,
    });
    const messages = Array.from({ length: 9 }, (_, i) => ({ i }));
    for (const message of messages) producer.append(message); // 7 bytes each
    await producer.flush();
    const bodies = wire.producerPosts.map((r) => JSON.parse(bodyText(r)) as unknown[]);
    expect(bodies.map((b) => b.length)).toEqual([2, 2, 2, 2, 1]);
    expect(bodies.flat()).toEqual(messages);
    expect(await readBackJson(server().url, path)).toEqual(messages);
  });
});
