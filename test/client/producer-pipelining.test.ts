// @vitest-environment node
import { describe, expect, it, vi } from "vitest";
import {
  IdempotentProducer,
  SequenceGapError,
  UnexpectedStatusError,
  type FetchFunction,
} from "../../src/client/index.js";
import { injectFault } from "../support/faults.js";
import { testClient, uniquePath, sharedTestServer } from "../support/server.js";
import { Wire, batch, bodyText, collectErrors, readBackText } from "../support/producer-wire.js";
import { rejection } from "../support/caught.js";
import { delay } from "../support/read-helpers.js";

const server = sharedTestServer();

async function setup(options: { maxRetries?: number } = {}) {
  const wire = new Wire();
  const client = testClient(server(), {
    fetch: wire.fetch,
    retry: { maxRetries: options.maxRetries ?? 3, initialDelayMs: 5, maxDelayMs: 50 },
  });
  const path = uniquePath("pipeline");
  const stream = await client.createStream(path, { contentType: "text/plain" });
  return { wire, path, stream };
}

/** One message per batch, sent only on flush or when a batch is full. */
const oneMessagePerBatch = { maxBatchBytes: 1, lingerMs: 60_000 } as const;

describe("pipelining", () => {
  it("under load, grows batches instead of queueing one small batch per linger period", async () => {
    const { wire, path, stream } = await setup();
    const producer = new IdempotentProducer(stream, "pipe-load", { lingerMs: 5, maxInFlight: 1 });
    producer.append("0");
    await producer.flush(); // sequence 0 opens the epoch

    const hold = wire.hold((r) => r.method === "POST");
    producer.append("a");
    await vi.waitFor(() => expect(hold.held.length).toBe(1), { timeout: 5000 });
    // The wire is full: ten linger periods of tokens pile up behind it.
    for (let i = 0; i < 10; i++) {
      producer.append(String(i));
      await delay(10);
    }
    expect(producer.pendingCount).toBe(10);
    hold.release();
    await producer.flush();
    // One batch for everything that waited, not ten.
    expect(wire.producerPosts.map(bodyText)).toEqual(["0", "a", "0123456789"]);
    expect(await readBackText(server().url, path)).toBe("0a0123456789");
  });

  it("keeps up to maxInFlight batches on the wire, no more", async () => {
    const { wire, path, stream } = await setup();
    const producer = new IdempotentProducer(stream, "pipe-1", {
      ...oneMessagePerBatch,
      maxInFlight: 3,
    });
    producer.append("0");
    await producer.flush(); // sequence 0 opens the epoch

    const hold = wire.hold((r) => r.method === "POST");
    for (let i = 1; i <= 6; i++) producer.append(String(i));
    await vi.waitFor(() => expect(hold.held.length).toBe(3), { timeout: 5000 });
    expect(producer.inFlightCount).toBe(3);
    expect(producer.pendingCount).toBe(3);
    expect(wire.producerPosts.length).toBe(4);

    hold.release();
    await producer.flush();
    expect(producer.inFlightCount).toBe(0);
    expect(Math.max(...wire.producerPosts.map((r) => r.concurrentAtStart))).toBe(3);
    // Released together, they may arrive out of order: a 409 and a resend is fine.
    const accepted = wire.producerPosts.filter((r) => r.status === 200);
    expect(accepted.map((r) => r.producer!.seq).sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(await readBackText(server().url, path)).toBe("0123456");
  });

  it("a batch that overtakes its predecessor waits for it and is resent (409, lower expected seq)", async () => {
    const { wire, path, stream } = await setup();
    const producer = new IdempotentProducer(stream, "pipe-2", {
      ...oneMessagePerBatch,
      maxInFlight: 2,
    });
    const errors = collectErrors(producer);
    producer.append("a");
    await producer.flush();

    const late = wire.hold(batch(0, 1)); // sequence 1 reaches the server after sequence 2
    producer.append("b");
    producer.append("c");
    const seq2 = () => wire.producerPosts.filter((r) => r.producer!.seq === 2);
    await vi.waitFor(() => expect(seq2()[0]?.status).toBe(409), { timeout: 5000 });
    expect(seq2()[0]!.responseHeaders!.get("producer-expected-seq")).toBe("1");
    await delay(50);
    expect(seq2().length).toBe(1); // not resent while its predecessor is still out

    late.release();
    await producer.flush();
    expect(seq2().map((r) => r.status)).toEqual([409, 200]);
    expect(errors).toEqual([]);
    expect(await readBackText(server().url, path)).toBe("abc");
  });

  it("survives a delayed first POST: batch 1 arrives first, batch 0 is applied first", async () => {
    const { wire, path, stream } = await setup();
    const producer = new IdempotentProducer(stream, "pipe-3", {
      ...oneMessagePerBatch,
      maxInFlight: 2,
    });
    const errors = collectErrors(producer);
    producer.append("a");
    await producer.flush();

    // The server holds the first POST it sees (sequence 1) for 1 s; sequence 2
    // leaves the client 200 ms later, so it arrives first.
    await injectFault(server().url, path, { delayMs: 1000, count: 1, method: "POST" });
    const second = wire.hold(batch(0, 2));
    producer.append("b");
    producer.append("c");
    await vi.waitFor(() => expect(second.held.length).toBe(1), { timeout: 5000 });
    setTimeout(() => second.release(), 200);
    await producer.flush();

    const seq2 = wire.producerPosts.filter((r) => r.producer!.seq === 2);
    expect(seq2.map((r) => r.status)).toEqual([409, 200]);
    expect(errors).toEqual([]);
    expect(await readBackText(server().url, path)).toBe("abc");
  });

  it("fails the batches behind a failed one, in order, each reported once; then starts a new epoch", async () => {
    const { wire, path, stream } = await setup();
    const producer = new IdempotentProducer(stream, "pipe-4", {
      ...oneMessagePerBatch,
      maxInFlight: 3,
      deliveryTimeoutMs: 0, // one attempt: the injected 500 fails sequence 1 for good
    });
    const errors = collectErrors(producer);
    producer.append("a");
    await producer.flush();

    await injectFault(server().url, path, { status: 500, count: 1, method: "POST" });
    // Sequences 2 and 3 leave once sequence 1 has met the fault.
    const behind = wire.hold((r) => (r.producer?.seq ?? -1) >= 2);
    producer.append("b");
    producer.append("c");
    producer.append("d");
    const flushing = rejection(producer.flush());
    await vi.waitFor(() => expect(behind.held.length).toBe(2), { timeout: 5000 });
    await vi.waitFor(
      () => expect(wire.producerPosts.find((r) => r.producer!.seq === 1)?.status).toBe(500),
      { timeout: 5000 },
    );
    behind.release();

    const flushError = await flushing;
    expect(errors.map((e) => e.info)).toEqual([
      { epoch: 0, seq: 1, messageCount: 1, messages: ["b"], outcomeUnknown: false },
      { epoch: 0, seq: 2, messageCount: 1, messages: ["c"], outcomeUnknown: false },
      { epoch: 0, seq: 3, messageCount: 1, messages: ["d"], outcomeUnknown: false },
    ]);
    expect(errors[0]!.error).toBeInstanceOf(UnexpectedStatusError);
    expect(errors[0]!.error.status).toBe(500);
    expect(errors[1]!.error).toBeInstanceOf(SequenceGapError);
    expect(errors[1]!.error.cause).toBe(errors[0]!.error);
    expect(errors[2]!.error).toBeInstanceOf(SequenceGapError);
    // Each names the failure that left the gap.
    expect(errors[2]!.error.cause).toBe(errors[0]!.error);
    expect(flushError).toBe(errors[0]!.error);

    // The hole is left behind: the next batch opens epoch 1 at sequence 0.
    producer.append("e");
    await producer.flush();
    expect(wire.producerPosts.at(-1)!.producer).toMatchObject({ epoch: 1, seq: 0 });
    expect(wire.producerPosts.at(-1)!.status).toBe(200);
    expect(errors.length).toBe(3);
    expect(await readBackText(server().url, path)).toBe("ae");
  });

  it("lastOffset never moves backwards when answers arrive out of order", async () => {
    const { wire, stream } = await setup();
    const producer = new IdempotentProducer(stream, "pipe-5", {
      ...oneMessagePerBatch,
      maxInFlight: 2,
    });
    producer.append("a");
    await producer.flush();
    const slowAnswer = wire.holdAnswers(batch(0, 1)); // applied first, answered last
    producer.append("b");
    await vi.waitFor(() => expect(slowAnswer.held.length).toBe(1), { timeout: 5000 });
    producer.append("c");
    await vi.waitFor(() => expect(producer.inFlightCount).toBe(1), { timeout: 5000 });
    const tail = (await stream.head()).offset;
    expect(producer.lastOffset).toBe(tail); // from sequence 2's answer

    slowAnswer.release();
    await producer.flush();
    const olderOffset = slowAnswer.held[0]!.responseHeaders!.get("stream-next-offset");
    expect(olderOffset).not.toBe(tail);
    expect(producer.lastOffset).toBe(tail);
  });

  // The reference server never answers 409 with an expected sequence at or
  // above the one sent (that needs lost producer state), so a fetch stub
  // answers that one request; everything else goes to the real server.
  for (const expected of [1, 4]) {
    it(`treats a 409 whose expected sequence (${expected}) is at or above ours as a SequenceGapError`, async () => {
      let stubbed = 0;
      const stub: FetchFunction = async (input, init) => {
        const headers = new Headers(init.headers);
        if (headers.get("producer-seq") === "1" && stubbed++ === 0) {
          return new Response("gap", {
            status: 409,
            headers: { "producer-expected-seq": String(expected), "producer-received-seq": "1" },
          });
        }
        return fetch(input, init);
      };
      const client = testClient(server(), { fetch: stub });
      const path = uniquePath("gap");
      const stream = await client.createStream(path, { contentType: "text/plain" });
      const producer = new IdempotentProducer(stream, "gap-1", { lingerMs: 0 });
      const errors = collectErrors(producer);
      producer.append("a");
      await producer.flush();
      producer.append("b");
      const error = await rejection(producer.flush());

      expect(error).toBeInstanceOf(SequenceGapError);
      expect((error as SequenceGapError).expectedSeq).toBe(expected);
      expect((error as SequenceGapError).receivedSeq).toBe(1);
      expect((error as SequenceGapError).status).toBe(409);
      expect(errors).toEqual([
        {
          error,
          info: { epoch: 0, seq: 1, messageCount: 1, messages: ["b"], outcomeUnknown: false },
        },
      ]);
      expect(stubbed).toBe(1); // not repeated

      producer.append("c");
      await producer.flush();
      expect(producer.epoch).toBe(1);
      expect(await readBackText(server().url, path)).toBe("ac");
    });
  }
});

describe("the first batch of an epoch", () => {
  it("goes alone: nothing else is sent until sequence 0 is acknowledged", async () => {
    const { wire, path, stream } = await setup();
    const producer = new IdempotentProducer(stream, "opener-1", {
      ...oneMessagePerBatch,
      maxInFlight: 4,
    });
    const hold = wire.hold(batch(0, 0));
    for (const m of ["a", "b", "c"]) producer.append(m);
    await vi.waitFor(() => expect(hold.held.length).toBe(1), { timeout: 5000 });
    await delay(30);
    expect(wire.producerPosts.length).toBe(1);
    expect(producer.inFlightCount).toBe(1);
    hold.release();
    await producer.flush();
    const [opener, next] = wire.producerPosts;
    expect(next!.startedAt).toBeGreaterThan(opener!.answeredAt!);
    expect(await readBackText(server().url, path)).toBe("abc");
  });

  it("after restart(), later sequences never reach the server before sequence 0 (400 otherwise)", async () => {
    const { wire, path, stream } = await setup();
    const producer = new IdempotentProducer(stream, "opener-2", {
      ...oneMessagePerBatch,
      maxInFlight: 4,
    });
    const errors = collectErrors(producer);
    producer.append("a");
    await producer.flush();
    await producer.restart();

    const hold = wire.hold(batch(1, 0));
    for (const m of ["b", "c", "d"]) producer.append(m);
    await vi.waitFor(() => expect(hold.held.length).toBe(1), { timeout: 5000 });
    await delay(30);
    expect(wire.producerPosts.filter((r) => r.producer!.epoch === 1).length).toBe(1);
    hold.release();
    await producer.flush();

    expect(errors).toEqual([]);
    const epoch1 = wire.producerPosts.filter((r) => r.producer!.epoch === 1);
    expect(epoch1.map((r) => [r.producer!.seq, r.status])).toEqual([
      [0, 200],
      [1, 200],
      [2, 200],
    ]);
    expect(wire.requests.some((r) => r.status === 400)).toBe(false);
    expect(await readBackText(server().url, path)).toBe("abcd");
  });
});
