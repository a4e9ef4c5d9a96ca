// @vitest-environment node
import { describe, expect, it, vi } from "vitest";
import { IdempotentProducer, NetworkError, ProducerClosedError } from "../../src/client/index.js";
import { testClient, uniquePath, sharedTestServer } from "../support/server.js";
import { Wire, collectErrors, readBackJson, readBackText } from "../support/producer-wire.js";
import { rejection, thrown } from "../support/caught.js";

const server = sharedTestServer();

async function setup(contentType = "text/plain", maxRetries = 3) {
  const wire = new Wire();
  const client = testClient(server(), {
    fetch: wire.fetch,
    retry: { maxRetries, initialDelayMs: 5, maxDelayMs: 50 },
  });
  const path = uniquePath("lifecycle");
  const stream = await client.createStream(path, { contentType });
  return { wire, path, stream };
}

describe("flush()", () => {
  it("resolves only once everything appended before it is acknowledged", async () => {
    const { wire, path, stream } = await setup();
    const producer = new IdempotentProducer(stream, "flush-1", {
      lingerMs: 60_000,
      maxBatchBytes: 3,
    });
    const hold = wire.hold((r) => r.method === "POST");
    producer.append("abc");
    producer.append("de");
    let flushed = false;
    const flushing = producer.flush().then(() => (flushed = true));
    await vi.waitFor(() => expect(hold.held.length).toBeGreaterThan(0), { timeout: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(flushed).toBe(false);
    hold.release();
    await flushing;
    expect(wire.producerPosts.every((r) => r.status === 200)).toBe(true);
    expect(await readBackText(server().url, path)).toBe("abcde");
  });

  it("resolves at once when nothing is pending", async () => {
    const { wire, stream } = await setup();
    const producer = new IdempotentProducer(stream, "flush-2");
    await producer.flush();
    expect(wire.requests.map((r) => r.method)).toEqual(["PUT"]); // only the create
  });
});

describe("detach()", () => {
  it("sends what is pending, leaves the stream open, and refuses later appends", async () => {
    const { path, stream } = await setup();
    const producer = new IdempotentProducer(stream, "detach-1", { lingerMs: 60_000 });
    producer.append("kept;");
    const detaching = producer.detach();
    // Refused from the moment detach() is called, not only once it resolved.
    const during = thrown(() => producer.append("during;"));
    expect(during).toBeInstanceOf(ProducerClosedError);
    expect((during as ProducerClosedError).reason).toBe("detached");
    await detaching;
    const after = thrown(() => producer.tryAppend("after;"));
    expect(after).toBeInstanceOf(ProducerClosedError);

    expect((await stream.head()).closed).toBe(false);
    expect(await readBackText(server().url, path)).toBe("kept;");
    // The stream is still writable by a new session.
    const next = new IdempotentProducer(stream, "detach-1", { epoch: 1, lingerMs: 0 });
    next.append("next;");
    await next.flush();
    expect(await readBackText(server().url, path)).toBe("kept;next;");
  });

  it("`await using` flushes and detaches at the end of the scope", async () => {
    const { path, stream } = await setup();
    let escaped: IdempotentProducer | undefined;
    {
      await using producer = new IdempotentProducer(stream, "scoped-1", { lingerMs: 60_000 });
      producer.append("scoped;");
      escaped = producer;
    }
    expect(await readBackText(server().url, path)).toBe("scoped;");
    expect((await stream.head()).closed).toBe(false);
    expect(thrown(() => escaped!.append("late"))).toBeInstanceOf(ProducerClosedError);
  });
});

describe("close()", () => {
  it("flushes, then closes the stream with the producer headers; idempotent", async () => {
    const { wire, path, stream } = await setup();
    const producer = new IdempotentProducer(stream, "close-1", { lingerMs: 60_000 });
    producer.append("last words;");
    const closing = producer.close();
    expect(thrown(() => producer.append("too late"))).toBeInstanceOf(ProducerClosedError);
    const { finalOffset } = await closing;

    const head = await stream.head();
    expect(head.closed).toBe(true);
    expect(finalOffset).toBe(head.offset);
    const closeRequest = wire.producerPosts.at(-1)!;
    expect(closeRequest.headers.get("stream-closed")).toBe("true");
    expect(closeRequest.producer).toEqual({ id: "close-1", epoch: 0, seq: 1 });
    expect(closeRequest.body === undefined || closeRequest.body.length === 0).toBe(true);

    const posts = wire.producerPosts.length;
    expect(await producer.close()).toEqual({ finalOffset });
    expect(wire.producerPosts.length).toBe(posts); // nothing sent again
    const late = thrown(() => producer.append("after"));
    expect((late as ProducerClosedError).reason).toBe("closed");
    expect(await readBackText(server().url, path)).toBe("last words;");
  });

  it("appends a final JSON message atomically, wrapped once", async () => {
    const { wire, path, stream } = await setup("application/json");
    const producer = new IdempotentProducer(stream, "close-2", { lingerMs: 60_000 });
    producer.append({ n: 1 });
    await producer.close(["final", "array"]);
    expect(new TextDecoder().decode(wire.producerPosts.at(-1)!.body)).toBe('[["final","array"]]');
    expect(await readBackJson(server().url, path)).toEqual([{ n: 1 }, ["final", "array"]]);
    expect((await stream.head()).closed).toBe(true);
  });

  it("is retry-safe: a close whose answer was lost is resent and deduplicated", async () => {
    const { wire, path, stream } = await setup();
    const producer = new IdempotentProducer(stream, "close-3", { lingerMs: 0 });
    producer.append("body;");
    await producer.flush();
    wire.loseResponses((r) => r.headers.get("stream-closed") === "true");
    await producer.close("bye;");

    const closes = wire.producerPosts.filter((r) => r.headers.get("stream-closed") === "true");
    expect(closes.map((r) => [r.producer!.seq, r.status])).toEqual([
      [1, 200],
      [1, 204],
    ]);
    expect(await readBackText(server().url, path)).toBe("body;bye;");
  });

  it("can be called again after it failed, with the same epoch and sequence", async () => {
    const { wire, path, stream } = await setup("text/plain", 0);
    const producer = new IdempotentProducer(stream, "close-4", { lingerMs: 0 });
    producer.append("body;");
    await producer.flush();
    wire.loseResponses((r) => r.headers.get("stream-closed") === "true");
    const error = await rejection(producer.close("bye;"));
    expect(error).toBeInstanceOf(NetworkError);

    const { finalOffset } = await producer.close("bye;");
    expect(finalOffset).toBe((await stream.head()).offset);
    const closes = wire.producerPosts.filter((r) => r.headers.get("stream-closed") === "true");
    expect(closes.map((r) => r.producer)).toEqual([
      { id: "close-4", epoch: 0, seq: 1 },
      { id: "close-4", epoch: 0, seq: 1 },
    ]);
    expect(closes.map((r) => r.status)).toEqual([200, 204]);
    expect(await readBackText(server().url, path)).toBe("body;bye;");
  });

  it("refuses to close after detach()", async () => {
    const { stream } = await setup();
    const producer = new IdempotentProducer(stream, "close-5");
    await producer.detach();
    expect(await rejection(producer.close())).toBeInstanceOf(ProducerClosedError);
    expect((await stream.head()).closed).toBe(false);
  });

  it("with autoClaim, claims a newer epoch for the close when another writer took the id", async () => {
    const { wire, path, stream } = await setup();
    const producer = new IdempotentProducer(stream, "close-6", { lingerMs: 0, autoClaim: true });
    const errors = collectErrors(producer);
    producer.append("mine;");
    await producer.flush();
    const other = new IdempotentProducer(stream, "close-6", { epoch: 3, lingerMs: 0 });
    other.append("other;");
    await other.flush();

    await producer.close();
    const closes = wire.producerPosts.filter((r) => r.headers.get("stream-closed") === "true");
    expect(closes.map((r) => [r.producer!.epoch, r.producer!.seq, r.status])).toEqual([
      [0, 1, 403],
      [4, 0, 204],
    ]);
    expect(errors).toEqual([]);
    expect((await stream.head()).closed).toBe(true);
    expect(await readBackText(server().url, path)).toBe("mine;other;");
  });
});
