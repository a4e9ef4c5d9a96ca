// @vitest-environment node
import { describe, expect, it, vi } from "vitest";
import {
  IdempotentProducer,
  DurableStreamClient,
  Offset,
  StaleEpochError,
  StreamClosedError,
  type JsonBatch,
} from "../../src/client/index.js";
import { IN_MEMORY_ORIGIN, InMemoryStreams } from "../../stories/support/in-memory-streams.js";
import { delay } from "../support/read-helpers.js";

/**
 * The stories' in-memory server (no network) must speak the protocol the way
 * the client expects, or the stories would show behaviour the real library
 * never has. Driven here through the real client.
 */
function setup(options?: ConstructorParameters<typeof InMemoryStreams>[0]) {
  const streams = new InMemoryStreams({ longPollTimeoutMs: 200, ...options });
  const client = new DurableStreamClient({
    baseUrl: IN_MEMORY_ORIGIN,
    fetch: streams.fetch,
    retry: { maxRetries: 5, initialDelayMs: 1, maxDelayMs: 5, multiplier: 2 },
  });
  return { streams, client };
}

describe("in-memory streams for stories", () => {
  it("creates, appends and reads back JSON messages, and the offsets move forward", async () => {
    const { streams, client } = setup();
    const stream = client.stream("/chat");
    expect((await stream.create({ contentType: "application/json" })).created).toBe(true);
    const first = await stream.appendJson({ n: 1 });
    const second = await stream.appendJson({ n: 2 });
    expect(second.offset > first.offset).toBe(true);
    const res = await stream.read({ offset: Offset.beginning, live: "off" });
    expect(await res.json()).toEqual([{ n: 1 }, { n: 2 }]);
    expect(streams.contents("/chat")).toEqual([{ n: 1 }, { n: 2 }]);
    expect((await stream.create({ contentType: "application/json" })).created).toBe(false);
  });

  it("delivers story appends to a long-poll and an SSE reader, then the close", async () => {
    for (const live of ["long-poll", "sse"] as const) {
      // A wait far longer than the test: "b" arrives only if the append wakes the reader.
      const { streams, client } = setup({ longPollTimeoutMs: 60_000 });
      streams.create("/text", { contentType: "text/plain", data: "a" });
      const res = await client.stream("/text").read({ offset: Offset.beginning, live });
      const chunks: string[] = [];
      let closed = false;
      const reading = (async () => {
        for await (const chunk of res.textChunks()) {
          if (chunk.text !== "") chunks.push(chunk.text);
          closed = chunk.closed;
        }
      })();
      await vi.waitFor(() => expect(chunks).toEqual(["a"]));
      await delay(20); // the reader is waiting now
      streams.append("/text", "b");
      await vi.waitFor(() => expect(chunks.join(""), live).toBe("ab"), { timeout: 2000 });
      streams.close("/text");
      await reading;
      expect(chunks.join(""), live).toBe("ab");
      expect(closed, live).toBe(true);
    }
  });

  it("applies an idempotent producer's batches exactly once and fences a stale epoch", async () => {
    const { streams, client } = setup();
    streams.create("/board");
    const stream = client.stream("/board");
    const producer = new IdempotentProducer(stream, "tab-1");
    producer.append({ i: 0 });
    producer.append({ i: 1 });
    await producer.flush();
    const newer = new IdempotentProducer(stream, "tab-1", { epoch: 1 });
    newer.append({ i: 2 });
    await newer.flush();
    const errors: unknown[] = [];
    producer.on("error", (error) => errors.push(error));
    producer.append({ i: 3 });
    await producer.flush().catch(() => undefined);
    expect(errors.some((error) => error instanceof StaleEpochError)).toBe(true);
    expect(streams.contents("/board")).toEqual([{ i: 0 }, { i: 1 }, { i: 2 }]);
    await newer.close();
    await expect(stream.appendJson({ i: 4 })).rejects.toBeInstanceOf(StreamClosedError);
  });

  it("fails requests as told, and the client's retries get through once it recovers", async () => {
    const { streams } = setup();
    let requests = 0;
    const counting = new DurableStreamClient({
      baseUrl: IN_MEMORY_ORIGIN,
      fetch: (input, init) => (requests++, streams.fetch(input, init)),
      retry: { maxRetries: 5, initialDelayMs: 1, maxDelayMs: 5, multiplier: 2 },
    });
    streams.create("/flaky", { data: [{ ok: true }] });
    streams.fail("/flaky", 503, 2);
    const res = await counting.stream("/flaky").read({ offset: Offset.beginning, live: "off" });
    const batches: Array<JsonBatch<unknown>> = [];
    for await (const batch of res.jsonBatches()) batches.push(batch);
    expect(batches.flatMap((batch) => batch.items)).toEqual([{ ok: true }]);
    expect(requests).toBe(3); // two answered 503, the third got through
    // Without retries left, the failure itself shows, with its status.
    streams.fail("/flaky", 503, 1);
    const noRetries = new DurableStreamClient({
      baseUrl: IN_MEMORY_ORIGIN,
      fetch: streams.fetch,
      retry: { maxRetries: 0 },
    });
    const error = await noRetries
      .stream("/flaky")
      .read({ offset: Offset.beginning, live: "off" })
      .then(
        () => undefined,
        (failure: unknown) => failure,
      );
    expect(error).toMatchObject({ status: 503 });
  });
});
