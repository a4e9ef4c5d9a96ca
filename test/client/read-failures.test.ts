// @vitest-environment node
import { afterEach, describe, expect, it } from "vitest";
import {
  NetworkError,
  ParseError,
  type DurableStreamError,
  type ReadSessionObserver,
} from "../../src/client/index.js";
import { clearFaults, injectFault } from "../support/faults.js";
import {
  byteDiff,
  concat,
  cutBody,
  patternBytes,
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
  maxRetries = 3,
) {
  const tracked = trackingFetch(transform);
  const retry = { maxRetries, initialDelayMs: 5, maxDelayMs: 50, multiplier: 2 };
  return { tracked, client: testClient(server(), { fetch: tracked.fetch, retry }) };
}

function retryRecorder(): { observer: ReadSessionObserver; errors: DurableStreamError[] } {
  const errors: DurableStreamError[] = [];
  return { errors, observer: { onRetry: ({ error }) => void errors.push(error) } };
}

describe("read failures", () => {
  it("a truncated JSON body is a ParseError", async () => {
    const path = uniquePath("trunc");
    const stream = testClient(server()).stream(path);
    await stream.create({ contentType: "application/json" });
    await stream.appendJson({ message: "one" });
    await stream.appendJson({ message: "two" });
    // Small enough to go uncompressed, so the cut body still ends cleanly.
    await injectFault(server().url, path, { method: "GET", truncateBodyBytes: 20 });
    const res = await stream.read();
    const error = await res.json().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParseError);
    expect(error).toMatchObject({ code: "PARSE_ERROR", url: stream.url });
  });

  it("a corrupted JSON body is a ParseError", async () => {
    const path = uniquePath("corrupt");
    const stream = testClient(server()).stream(path);
    await stream.create({ contentType: "application/json" });
    await stream.appendJson({ message: "one" });
    await injectFault(server().url, path, { method: "GET", corruptBody: true });
    const res = await stream.read();
    await expect(res.jsonItems().next()).rejects.toBeInstanceOf(ParseError);
  });

  it.each([500, 503])(
    "recovers from injected %i answers during a live long-poll tail, nothing duplicated or skipped",
    async (status) => {
      // A fault injected while a poll is on its way can meet a leftover of the previous one:
      // up to three failures in a row, so the budget has room to spare on a loaded machine.
      const { tracked, client } = setup(undefined, 8);
      const path = uniquePath("tail");
      const stream = client.stream(path);
      await stream.create({ contentType: "application/octet-stream" });
      const appended: Uint8Array[] = [patternBytes(300, 1)];
      await stream.append(appended[0]!);
      const retries = retryRecorder();
      const res = await stream.read({ live: "long-poll" }, retries.observer);
      const received: Uint8Array[] = [];
      const feeding = (async () => {
        for (let n = 2; n <= 13; n++) {
          // Every third message, the next two reads (long-poll or its retry) fail.
          if (n % 3 === 0) {
            await waitFor(() => tracked.reads().at(-1)?.response === undefined, 10_000, "a poll");
            await injectFault(server().url, path, { method: "GET", status, count: 2 });
          }
          const part = patternBytes(100 + n * 37, n);
          appended.push(part);
          await stream.append(part);
          if (n % 2 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await stream.close();
      })();
      for await (const chunk of res.byteChunks()) received.push(chunk.data);
      await feeding;
      expect(byteDiff(concat(received), concat(appended))).toBe("equal");
      expect(res.closed).toBe(true);
      expect(retries.errors.length).toBeGreaterThanOrEqual(2);
      expect(retries.errors.every((e) => e.status === status)).toBe(true);
      expect(tracked.reads().filter((r) => r.status === status).length).toBeGreaterThanOrEqual(2);
    },
  );

  it("recovers when the connection drops before a long-poll is answered", async () => {
    const path = uniquePath("drop");
    const stream = testClient(server()).stream(path);
    await stream.create({ contentType: "application/json" });
    await stream.appendJson(1);
    const retries = retryRecorder();
    const res = await stream.read({ live: "long-poll" }, retries.observer);
    await injectFault(server().url, path, { method: "GET", dropConnection: true, count: 2 });
    const items: unknown[] = [];
    const feeding = (async () => {
      await waitFor(() => retries.errors.length >= 2, 10_000, "two retries");
      await stream.appendJson(2);
      await stream.close();
    })();
    for await (const item of res.jsonItems()) items.push(item);
    await feeding;
    expect(items).toEqual([1, 2]);
    expect(retries.errors.every((e) => e instanceof NetworkError)).toBe(true);
  });

  it("a body that breaks halfway is read again from its offset, skipping what was handed on", async () => {
    // The reference server cannot break a body off mid-way: a wrapped fetch errors the
    // first two bodies after 1.5 MB and 2.7 MB (the reader hands on 64 KiB pieces).
    const cuts = [1_500_000, 2_700_000];
    let attempt = 0;
    const { tracked, client } = setup((response, request) => {
      if (request.method !== "GET") return response;
      const cut = cuts[attempt++];
      return cut === undefined
        ? response
        : cutBody(response, (_t, n) => (n > cut ? cut : undefined), "error");
    });
    const stream = client.stream(uniquePath("halfway"));
    await stream.create({ contentType: "application/octet-stream" });
    const data = patternBytes(4_200_000, 9);
    for (let at = 0; at < data.length; at += 1_000_000) {
      await stream.append(data.subarray(at, at + 1_000_000));
    }
    const retries = retryRecorder();
    const res = await stream.read({}, retries.observer);
    const chunks = [];
    for await (const chunk of res.byteChunks()) chunks.push(chunk);
    expect(byteDiff(concat(chunks.map((c) => c.data)), data)).toBe("equal");
    const reads = tracked.reads();
    expect(reads).toHaveLength(3);
    expect(new Set(reads.map((r) => r.offset))).toEqual(new Set(["-1"]));
    expect(retries.errors).toHaveLength(2);
    expect(retries.errors.every((e) => e instanceof NetworkError)).toBe(true);
    // Pieces were handed on before each break, so the retries really had bytes to skip.
    expect(chunks.length).toBeGreaterThan(3);
    expect(res.upToDate).toBe(true);
  });

  it("gives up with a NetworkError once the retries are spent", async () => {
    const { tracked, client } = setup((response, request) =>
      request.method === "GET"
        ? cutBody(response, (_t, n) => (n > 1000 ? 1000 : undefined), "error")
        : response,
    );
    const stream = client.stream(uniquePath("spent"));
    await stream.create({ contentType: "application/octet-stream" });
    await stream.append(patternBytes(200_000, 5));
    const res = await stream.read();
    const error = await res.bytes().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).url).toBe(stream.url);
    // The first attempt and the client's three retries.
    expect(tracked.reads()).toHaveLength(4);
  });
});
