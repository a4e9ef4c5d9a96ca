// @vitest-environment node
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  IdempotentProducer,
  NetworkError,
  ProducerClosedError,
  SequenceGapError,
  UnexpectedStatusError,
  type ProducerOptions,
} from "../../src/client/index.js";
import { clearFaults, injectFault } from "../support/faults.js";
import { testClient, uniquePath, sharedTestServer } from "../support/server.js";
import {
  Wire,
  batch,
  collectErrors,
  rawProducerPost,
  readBackText,
  within,
} from "../support/producer-wire.js";
import { rejection } from "../support/caught.js";

const server = sharedTestServer();

/**
 * A client with no retries of its own (`maxRetries: 0`): whatever the
 * producer retries, it retries by its delivery timeout, not the client's count.
 */
async function setup() {
  const wire = new Wire();
  const client = testClient(server(), {
    fetch: wire.fetch,
    retry: { maxRetries: 0, initialDelayMs: 5, maxDelayMs: 40 },
  });
  const path = uniquePath("outcomes");
  const stream = await client.createStream(path, { contentType: "text/plain" });
  return { wire, path, stream };
}

/** Sequence 0 (the epoch's opener) delivered, so that the batch under test is sequence 1. */
async function openedProducer(
  stream: Awaited<ReturnType<typeof setup>>["stream"],
  id: string,
  options: ProducerOptions = {},
) {
  const producer = new IdempotentProducer(stream, id, { lingerMs: 60_000, ...options });
  const errors = collectErrors(producer);
  producer.append("a;");
  await producer.flush();
  return { producer, errors };
}

const everyPost = { count: 1_000_000, method: "POST" } as const;

afterEach(async () => {
  await clearFaults(server().url);
});

describe("retries until deliveryTimeoutMs", () => {
  it("a batch whose connection keeps dropping is retried past the client's retry count and stored once", async () => {
    const { wire, path, stream } = await setup();
    const { producer, errors } = await openedProducer(stream, "deliver-1");

    // Three attempts never reach the stream (the server drops the connection
    // first); the fourth is stored but its answer is lost, so is the fifth's
    // (a duplicate); the sixth is answered.
    await injectFault(server().url, path, { dropConnection: true, count: 3, method: "POST" });
    let attempts = 0;
    wire.loseResponses((r) => r.producer !== undefined && ++attempts >= 4, 2);
    producer.append("b;");
    await producer.flush();

    const seq1 = wire.producerPosts.filter((r) => r.producer!.seq === 1);
    expect(seq1.map((r) => r.producer)).toEqual(
      Array.from({ length: 6 }, () => ({ id: "deliver-1", epoch: 0, seq: 1 })),
    );
    expect(seq1.map((r) => r.status)).toEqual([0, 0, 0, 200, 204, 204]);
    expect(errors).toEqual([]);
    expect(await readBackText(server().url, path)).toBe("a;b;");
  });

  it("spent while every POST is dropped: outcomeUnknown, the messages named, the epoch kept", async () => {
    const { wire, path, stream } = await setup();
    const { producer, errors } = await openedProducer(stream, "deliver-2", {
      deliveryTimeoutMs: 300,
    });
    await injectFault(server().url, path, { dropConnection: true, ...everyPost });
    producer.append("x;");
    producer.append("y;");
    const error = await rejection(producer.flush());

    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).outcomeUnknown).toBe(true);
    expect(errors).toEqual([
      {
        error,
        info: {
          epoch: 0,
          seq: 1,
          messageCount: 2,
          messages: ["x;", "y;"],
          outcomeUnknown: true,
        },
      },
    ]);
    // Retried with the same epoch and sequence, more often than the client's count allows.
    const seq1 = wire.producerPosts.filter((r) => r.producer!.seq === 1);
    expect(seq1.length).toBeGreaterThan(1);
    expect(seq1.every((r) => r.producer!.epoch === 0)).toBe(true);
    expect(producer.epoch).toBe(0);
    expect(producer.nextSeq).toBe(2);
  });

  it("503 until the deadline (answered, nothing stored): outcomeUnknown false", async () => {
    const { wire, path, stream } = await setup();
    const { producer, errors } = await openedProducer(stream, "deliver-3", {
      deliveryTimeoutMs: 300,
    });
    await injectFault(server().url, path, { status: 503, ...everyPost });
    producer.append("x;");
    const error = await rejection(producer.flush());

    expect(error).toBeInstanceOf(UnexpectedStatusError);
    expect((error as UnexpectedStatusError).status).toBe(503);
    expect(errors).toEqual([
      {
        error,
        info: { epoch: 0, seq: 1, messageCount: 1, messages: ["x;"], outcomeUnknown: false },
      },
    ]);
    expect(wire.producerPosts.filter((r) => r.producer!.seq === 1).length).toBeGreaterThan(1);
  });
});

describe("detach() and close() during retries", () => {
  it("detach() stops a batch retrying dropped connections, promptly, and reports it as outcome unknown", async () => {
    const { wire, path, stream } = await setup();
    // The default delivery timeout (2 minutes) is what detach() must not wait out.
    const { producer, errors } = await openedProducer(stream, "stop-1");
    await injectFault(server().url, path, { dropConnection: true, ...everyPost });
    producer.append("x;");
    void producer.flush().catch(() => undefined);
    await vi.waitFor(() => expect(wire.producerPosts.length).toBeGreaterThan(3), {
      timeout: 10_000,
    });

    expect(await within(producer.detach(), 20_000)).not.toBe("timeout");
    expect(producer.stopped).toBe(true);
    expect(errors.length).toBe(1);
    const [{ error, info }] = errors as [(typeof errors)[number]];
    expect(info).toEqual({
      epoch: 0,
      seq: 1,
      messageCount: 1,
      messages: ["x;"],
      outcomeUnknown: true,
    });
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).outcomeUnknown).toBe(true);
    expect(error.cause).toBeInstanceOf(ProducerClosedError);
    expect((error.cause as ProducerClosedError).reason).toBe("detached");
  });

  it("detach() stops a batch retrying 503s: certainly not stored, so outcomeUnknown false", async () => {
    const { wire, path, stream } = await setup();
    const { producer, errors } = await openedProducer(stream, "stop-2");
    await injectFault(server().url, path, { status: 503, ...everyPost });
    producer.append("x;");
    void producer.flush().catch(() => undefined);
    await vi.waitFor(() => expect(wire.producerPosts.length).toBeGreaterThan(3), {
      timeout: 10_000,
    });

    expect(await within(producer.detach(), 20_000)).not.toBe("timeout");
    expect(errors.map((e) => e.info.outcomeUnknown)).toEqual([false]);
    const { error } = errors[0]!;
    expect(error).toBeInstanceOf(ProducerClosedError);
    expect((error as ProducerClosedError).reason).toBe("detached");
    expect(error.cause).toBeInstanceOf(UnexpectedStatusError);
    expect(await readBackText(server().url, path)).toBe("a;");
  });

  it("detach() lets an attempt already on the wire finish: it is not cut, so its answer counts", async () => {
    const { wire, path, stream } = await setup();
    const { producer, errors } = await openedProducer(stream, "stop-4");
    await injectFault(server().url, path, { dropConnection: true, count: 1, method: "POST" });
    let attempts = 0;
    const retry = wire.hold((r) => batch(0, 1)(r) && ++attempts === 2);
    producer.append("b;");
    void producer.flush().catch(() => undefined);
    await vi.waitFor(() => expect(retry.held.length).toBe(1), { timeout: 10_000 });

    const detaching = producer.detach();
    retry.release();
    await detaching;
    expect(errors).toEqual([]);
    expect(retry.held[0]!.status).toBe(200);
    expect(await readBackText(server().url, path)).toBe("a;b;");
  });

  it("detach() during a brief hiccup still gives a batch the client's ordinary retries", async () => {
    // The client's own budget (3 retries, fast) covers two 503s: a page that unmounts
    // while the server hiccups loses nothing.
    const client = testClient(server(), {
      retry: { maxRetries: 3, initialDelayMs: 5, maxDelayMs: 40 },
    });
    const path = uniquePath("outcomes-hiccup");
    const stream = await client.createStream(path, { contentType: "text/plain" });
    const { producer, errors } = await openedProducer(stream, "stop-5");
    await injectFault(server().url, path, { status: 503, count: 2, method: "POST" });
    producer.append("b;");
    void producer.flush().catch(() => undefined);
    await producer.detach();
    expect(errors).toEqual([]);
    expect(await readBackText(server().url, path)).toBe("a;b;");
  });

  it("close() stops a retrying batch promptly, rejects with its failure, and leaves the stream open", async () => {
    const { wire, path, stream } = await setup();
    const { producer, errors } = await openedProducer(stream, "stop-3");
    await injectFault(server().url, path, { dropConnection: true, ...everyPost });
    producer.append("x;");
    void producer.flush().catch(() => undefined);
    await vi.waitFor(() => expect(wire.producerPosts.length).toBeGreaterThan(3), {
      timeout: 10_000,
    });

    const closing = rejection(producer.close());
    const error = await within(closing, 20_000);
    expect(error).not.toBe("timeout");
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).outcomeUnknown).toBe(true);
    expect(errors.map((e) => e.error)).toEqual([error]);
    expect(errors[0]!.info.messages).toEqual(["x;"]);
    await clearFaults(server().url);
    expect((await stream.head()).closed).toBe(false);
    expect(wire.producerPosts.some((r) => r.headers.get("stream-closed") === "true")).toBe(false);
  });
});

describe("after a batch failed for good", () => {
  it("may have been stored: nothing more is sent until restart(), so a re-send is not stored twice", async () => {
    const { wire, path, stream } = await setup();
    const { producer, errors } = await openedProducer(stream, "after-1", {
      deliveryTimeoutMs: 300,
    });
    // The server stores sequence 1, but none of its answers arrives.
    wire.loseResponses(batch(0, 1), 1_000_000);
    producer.append("b;");
    const uncertain = await rejection(producer.flush());
    expect((uncertain as NetworkError).outcomeUnknown).toBe(true);
    expect(producer.epoch).toBe(0);

    // The application re-sends: the producer does not guess, it fails the
    // batch through the gap without sending it.
    const posts = wire.producerPosts.length;
    producer.append("b;");
    const resend = await rejection(producer.flush());
    expect(resend).toBeInstanceOf(SequenceGapError);
    expect((resend as SequenceGapError).cause).toBe(uncertain);
    expect(wire.producerPosts.length).toBe(posts);
    expect(errors.map((e) => e.info)).toEqual([
      { epoch: 0, seq: 1, messageCount: 1, messages: ["b;"], outcomeUnknown: true },
      { epoch: 0, seq: -1, messageCount: 1, messages: ["b;"], outcomeUnknown: false },
    ]);
    expect(await readBackText(server().url, path)).toBe("a;b;");

    // restart() is the application's decision to go on, in a new epoch.
    await producer.restart();
    expect([producer.epoch, producer.nextSeq]).toEqual([1, 0]);
    producer.append("c;");
    await producer.flush();
    expect(errors.length).toBe(2);
    expect(await readBackText(server().url, path)).toBe("a;b;c;");
  });

  it("close() sends nothing either until restart()", async () => {
    const { wire, path, stream } = await setup();
    const { producer } = await openedProducer(stream, "after-2", { deliveryTimeoutMs: 300 });
    wire.loseResponses(batch(0, 1), 1_000_000);
    producer.append("b;");
    const uncertain = await rejection(producer.flush());

    const posts = wire.producerPosts.length;
    const refused = await rejection(producer.close());
    expect(refused).toBeInstanceOf(SequenceGapError);
    expect((refused as SequenceGapError).cause).toBe(uncertain);
    expect(wire.producerPosts.length).toBe(posts);
    expect(producer.stopped).toBe(false);

    await producer.restart();
    await producer.close();
    expect((await stream.head()).closed).toBe(true);
    expect(await readBackText(server().url, path)).toBe("a;b;");
  });

  it("certainly not stored: batches behind it fail through the gap at once, and the next batch opens a new epoch", async () => {
    const { wire, path, stream } = await setup();
    const { producer, errors } = await openedProducer(stream, "after-3", {
      maxBatchBytes: 1,
      maxInFlight: 3,
    });
    // Sequence 1 is refused (400: answered, not stored). Sequence 2 is held
    // back until then, and every answer it would get is lost: on its own it
    // would retry for the whole delivery timeout (2 minutes).
    await injectFault(server().url, path, { status: 400, count: 1, method: "POST" });
    const held = wire.hold(batch(0, 2));
    wire.loseResponses(batch(0, 2), 1_000_000);
    producer.append("b");
    producer.append("c");
    const flushing = rejection(producer.flush());
    await vi.waitFor(() => expect(errors.length).toBe(2), { timeout: 10_000 });
    held.release();
    const flushError = await flushing;

    const [refused, behind] = errors as [(typeof errors)[number], (typeof errors)[number]];
    expect(refused.error).toBeInstanceOf(UnexpectedStatusError);
    expect(refused.error.status).toBe(400);
    expect(flushError).toBe(refused.error);
    expect(behind.error).toBeInstanceOf(SequenceGapError);
    expect(behind.error.cause).toBe(refused.error);
    expect(errors.map((e) => e.info)).toEqual([
      { epoch: 0, seq: 1, messageCount: 1, messages: ["b"], outcomeUnknown: false },
      { epoch: 0, seq: 2, messageCount: 1, messages: ["c"], outcomeUnknown: false },
    ]);

    // Nothing of epoch 0 after sequence 0 can be on the server, so re-sending is safe.
    producer.append("b");
    producer.append("c");
    await producer.flush();
    expect(producer.epoch).toBe(1);
    expect(errors.length).toBe(2);
    expect(await readBackText(server().url, path)).toBe("a;bc");
  });

  it("with autoClaim, a batch that may have been stored under the fenced epoch is not sent again under the claimed one", async () => {
    const { wire, path, stream } = await setup();
    const { producer, errors } = await openedProducer(stream, "after-4", { autoClaim: true });
    // Sequence 1 is stored but its answer is lost; before its retry gets
    // out, another writer takes the id with epoch 5, so the retry is fenced.
    wire.loseResponses(batch(0, 1));
    let attempts = 0;
    const retry = wire.hold((r) => batch(0, 1)(r) && ++attempts === 2);
    producer.append("b;");
    const flushing = rejection(producer.flush());
    await vi.waitFor(() => expect(retry.held.length).toBe(1), { timeout: 10_000 });
    const other = await rawProducerPost(
      server().url,
      path,
      { id: "after-4", epoch: 5, seq: 0 },
      "X;",
    );
    expect(other.status).toBe(200);
    retry.release();

    const error = await flushing;
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).outcomeUnknown).toBe(true);
    expect(errors.map((e) => e.info)).toEqual([
      { epoch: 0, seq: 1, messageCount: 1, messages: ["b;"], outcomeUnknown: true },
    ]);
    expect(wire.producerPosts.some((r) => r.producer!.epoch > 0)).toBe(false);
    expect(await readBackText(server().url, path)).toBe("a;b;X;");
  });
});
