// @vitest-environment node
import { describe, expect, it } from "vitest";
import { IdempotentProducer, UnexpectedStatusError } from "../../src/client/index.js";
import { clearFaults, injectFault } from "../support/faults.js";
import { testClient, uniquePath, sharedTestServer } from "../support/server.js";
import {
  Wire,
  batch,
  collectErrors,
  readBackJson,
  readBackText,
} from "../support/producer-wire.js";
import { rejection } from "../support/caught.js";

const server = sharedTestServer();

/** Fast retries with a budget large enough that random faults never exhaust it. */
async function setup(contentType: string, maxRetries = 40) {
  const wire = new Wire();
  const client = testClient(server(), {
    fetch: wire.fetch,
    retry: { maxRetries, initialDelayMs: 1, maxDelayMs: 20, multiplier: 2 },
  });
  const path = uniquePath("retries");
  const stream = await client.createStream(path, { contentType });
  return { wire, path, stream };
}

describe("retries", () => {
  it("5xx faults mid-run: every message exactly once, in order", async () => {
    const { wire, path, stream } = await setup("text/plain");
    const producer = new IdempotentProducer(stream, "chaos-1", {
      maxBatchBytes: 40,
      lingerMs: 1,
      maxInFlight: 4,
    });
    const errors = collectErrors(producer);
    await injectFault(server().url, path, {
      status: 503,
      probability: 0.3,
      count: 1_000_000,
      method: "POST",
    });
    const expected: string[] = [];
    for (let i = 0; i < 400; i++) {
      const message = `m${i};`;
      expected.push(message);
      producer.append(message);
      if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await producer.flush();

    expect(errors).toEqual([]);
    expect(wire.producerPosts.filter((r) => r.status === 503).length).toBeGreaterThan(0);
    expect(wire.producerPosts.filter((r) => r.status === 200).length).toBeGreaterThan(10);
    expect(await readBackText(server().url, path)).toBe(expected.join(""));
  });

  it("lost answers: the server applied the batch, the resend is a 204 duplicate, nothing is doubled", async () => {
    const { wire, path, stream } = await setup("text/plain");
    const producer = new IdempotentProducer(stream, "lost-1", { lingerMs: 0 });
    const errors = collectErrors(producer);
    producer.append("a;");
    await producer.flush();
    const afterA = producer.lastOffset;
    expect(afterA).toBeDefined();

    wire.loseResponses(batch(0, 1));
    producer.append("b;");
    await producer.flush();
    const seq1 = wire.producerPosts.filter((r) => r.producer!.seq === 1);
    expect(seq1.map((r) => r.status)).toEqual([200, 204]);
    // A duplicate carries no offset: lastOffset neither clears nor moves back.
    expect(producer.lastOffset).toBe(afterA);

    producer.append("c;");
    await producer.flush();
    expect(producer.lastOffset).toBe((await stream.head()).offset);
    expect(errors).toEqual([]);
    expect(await readBackText(server().url, path)).toBe("a;b;c;");
  });

  it("JSON stream under 5xx faults and lost answers with several batches in flight: exact items", async () => {
    const { wire, path, stream } = await setup("application/json");
    const producer = new IdempotentProducer(stream, "chaos-json", {
      maxBatchBytes: 200,
      lingerMs: 1,
      maxInFlight: 5,
    });
    const errors = collectErrors(producer);
    await injectFault(server().url, path, {
      status: 500,
      probability: 0.2,
      count: 1_000_000,
      method: "POST",
    });
    let posts = 0;
    wire.loseResponses((r) => r.producer !== undefined && ++posts % 4 === 0, 15);
    const expected = Array.from({ length: 300 }, (_, i) => ({ i, tags: ["x", i % 7], list: [i] }));
    for (const item of expected) producer.append(item);
    await producer.flush();

    expect(errors).toEqual([]);
    expect(wire.producerPosts.some((r) => r.status === 204)).toBe(true);
    expect(wire.producerPosts.some((r) => r.status === 500)).toBe(true);
    expect(await readBackJson(server().url, path)).toEqual(expected);
  });

  it("retries 429 (honouring Retry-After) and dropped connections", async () => {
    const { wire, path, stream } = await setup("text/plain", 5);
    const producer = new IdempotentProducer(stream, "transient-1", { lingerMs: 0 });
    const errors = collectErrors(producer);

    await injectFault(server().url, path, { status: 429, retryAfter: 0, count: 2, method: "POST" });
    producer.append("one;");
    await producer.flush();
    expect(wire.producerPosts.map((r) => r.status)).toEqual([429, 429, 200]);

    await injectFault(server().url, path, { dropConnection: true, count: 2, method: "POST" });
    producer.append("two;");
    await producer.flush();
    expect(wire.producerPosts.slice(3).map((r) => r.status)).toEqual([0, 0, 200]);

    expect(errors).toEqual([]);
    expect(wire.producerPosts.map((r) => r.producer!.seq)).toEqual([0, 0, 0, 1, 1, 1]);
    expect(await readBackText(server().url, path)).toBe("one;two;");
  });

  it("gives up once deliveryTimeoutMs is spent, not after the client's retry count: reported once, flush() rejects", async () => {
    const { wire, path, stream } = await setup("text/plain", 2);
    const producer = new IdempotentProducer(stream, "budget-1", {
      lingerMs: 0,
      deliveryTimeoutMs: 200,
    });
    const errors = collectErrors(producer);
    await injectFault(server().url, path, { status: 503, count: 1_000_000, method: "POST" });
    producer.append("lost;");
    const error = await rejection(producer.flush());
    await clearFaults(server().url);

    expect(error).toBeInstanceOf(UnexpectedStatusError);
    expect((error as UnexpectedStatusError).status).toBe(503);
    expect(errors).toEqual([
      {
        error,
        info: { epoch: 0, seq: 0, messageCount: 1, messages: ["lost;"], outcomeUnknown: false },
      },
    ]);
    // More than the first attempt and the client's two retries.
    expect(wire.producerPosts.length).toBeGreaterThan(3);

    producer.append("kept;");
    await producer.flush();
    expect(errors.length).toBe(1);
    expect(await readBackText(server().url, path)).toBe("kept;");
  });
});
