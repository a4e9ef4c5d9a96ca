// @vitest-environment node
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  IdempotentProducer,
  ProducerClosedError,
  StreamClosedError,
  StreamNotFoundError,
  InvalidArgumentError,
  UnexpectedStatusError,
  type DurableStreamError,
  type ProducerErrorInfo,
} from "../../src/client/index.js";
import { injectFault } from "../support/faults.js";
import { testClient, uniquePath, sharedTestServer } from "../support/server.js";
import { Wire, collectErrors, readBackText } from "../support/producer-wire.js";
import { rejection } from "../support/caught.js";

const server = sharedTestServer();

/** One attempt per batch: an injected failure fails it at once instead of being retried. */
const oneAttempt = { deliveryTimeoutMs: 0 } as const;

async function setup(maxRetries = 0) {
  const wire = new Wire();
  const client = testClient(server(), { fetch: wire.fetch, retry: { maxRetries } });
  const path = uniquePath("errors");
  const stream = await client.createStream(path, { contentType: "text/plain" });
  return { wire, client, path, stream };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("error reporting", () => {
  it("hands every failure to the listeners with the batch's epoch, seq and message count", async () => {
    const { path, stream } = await setup();
    const producer = new IdempotentProducer(stream, "err-1", { ...oneAttempt, lingerMs: 60_000 });
    const seen: Array<[DurableStreamError, ProducerErrorInfo]> = [];
    const second: DurableStreamError[] = [];
    producer.on("error", (error, info) => seen.push([error, info]));
    const unsubscribe = producer.on("error", (error) => second.push(error));

    producer.append("ok;");
    await producer.flush();
    await injectFault(server().url, path, { status: 500, count: 1, method: "POST" });
    producer.append("x;");
    producer.append("y;");
    const error = await rejection(producer.flush());
    expect(error).toBeInstanceOf(UnexpectedStatusError);
    expect(seen).toEqual([
      [error, { epoch: 0, seq: 1, messageCount: 2, messages: ["x;", "y;"], outcomeUnknown: false }],
    ]);
    expect(second).toEqual([error]);

    unsubscribe();
    await injectFault(server().url, path, { status: 500, count: 1, method: "POST" });
    producer.append("z;");
    await rejection(producer.flush());
    expect(seen.length).toBe(2);
    expect(second.length).toBe(1);
    // Answered and not stored: the producer went on in a new epoch.
    expect(seen[1]![1]).toEqual({
      epoch: 1,
      seq: 0,
      messageCount: 1,
      messages: ["z;"],
      outcomeUnknown: false,
    });
  });

  it("off() removes a listener; without listeners a failure is logged, not swallowed", async () => {
    const { path, stream } = await setup();
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const producer = new IdempotentProducer(stream, "err-2", { ...oneAttempt, lingerMs: 0 });
    const listener = vi.fn();
    producer.on("error", listener);
    producer.off("error", listener);
    await injectFault(server().url, path, { status: 500, count: 1, method: "POST" });
    producer.append("x");
    const error = await rejection(producer.flush());
    expect(listener).not.toHaveBeenCalled();
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]).toContain(error);
  });

  it("a throwing listener neither breaks the producer nor starves the other listeners", async () => {
    const { path, stream } = await setup();
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const producer = new IdempotentProducer(stream, "err-3", { ...oneAttempt, lingerMs: 0 });
    producer.on("error", () => {
      throw new Error("listener bug");
    });
    const others = collectErrors(producer);
    await injectFault(server().url, path, { status: 500, count: 1, method: "POST" });
    producer.append("x;");
    const error = await rejection(producer.flush());
    expect(others.map((e) => e.error)).toEqual([error]);
    expect(log).toHaveBeenCalled();

    producer.append("y;");
    await producer.flush();
    expect(await readBackText(server().url, path)).toBe("y;");
  });

  it("a closed stream is a StreamClosedError for the batch and everything queued; the producer stops", async () => {
    const { wire, path, stream } = await setup();
    const producer = new IdempotentProducer(stream, "err-4", {
      maxBatchBytes: 1,
      lingerMs: 60_000,
      maxInFlight: 1,
    });
    const errors = collectErrors(producer);
    producer.append("a");
    await producer.flush();
    const { finalOffset } = await testClient(server()).stream(path).close();

    producer.append("b");
    producer.append("c");
    producer.append("d");
    const error = await rejection(producer.flush());
    expect(error).toBeInstanceOf(StreamClosedError);
    expect((error as StreamClosedError).finalOffset).toBe(finalOffset);
    // Sequence 1 met the closed stream; the two batches queued behind it were never sent.
    expect(wire.producerPosts.length).toBe(2);
    expect(errors.map((e) => e.error)).toEqual([error, error, error]);
    expect(errors.map((e) => e.info.seq)).toEqual([1, -1, -1]);

    let late: unknown;
    try {
      producer.append("e");
    } catch (caught) {
      late = caught;
    }
    expect(late).toBeInstanceOf(ProducerClosedError);
    expect((late as ProducerClosedError).cause).toBe(error);
    expect(await readBackText(server().url, path)).toBe("a");
  });

  it("reports a stream that does not exist (learning its content type) as StreamNotFoundError", async () => {
    const { client } = await setup();
    const producer = new IdempotentProducer(client.stream(uniquePath("missing")), "err-5", {
      lingerMs: 0,
    });
    const errors = collectErrors(producer);
    producer.append("x");
    const error = await rejection(producer.flush());
    expect(error).toBeInstanceOf(StreamNotFoundError);
    expect(errors.map((e) => e.error)).toEqual([error]);
    expect(errors[0]!.info.seq).toBe(-1);
  });

  it("a message the stream cannot take fails alone, before it takes a sequence number", async () => {
    const { wire, path } = await setup();
    // The handle does not know the type yet, so the object is only checked once it is known.
    const stream = testClient(server(), { fetch: wire.fetch }).stream(path);
    const producer = new IdempotentProducer(stream, "err-6", { lingerMs: 60_000 });
    const errors = collectErrors(producer);
    producer.append({ not: "text" });
    const error = await rejection(producer.flush());
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(errors).toEqual([
      {
        error,
        info: {
          epoch: 0,
          seq: -1,
          messageCount: 1,
          messages: [{ not: "text" }],
          outcomeUnknown: false,
        },
      },
    ]);

    producer.append("fine;");
    await producer.flush();
    expect(wire.producerPosts.map((r) => r.producer)).toEqual([{ id: "err-6", epoch: 0, seq: 0 }]);
    expect(await readBackText(server().url, path)).toBe("fine;");
  });
});
