// @vitest-environment node
import { afterEach, describe, expect, it } from "vitest";
import {
  NetworkError,
  StreamNotFoundError,
  UnauthorizedError,
  UnexpectedStatusError,
  type DurableStream,
  type DurableStreamClientOptions,
} from "../../src/client/index.js";
import { backoffDelay, parseRetryAfter, resolveRetryPolicy } from "../../src/client/retry.js";
import { recordingFetch, type RecordedRequest } from "../support/counting-fetch.js";
import { clearFaults, injectFault, type Fault } from "../support/faults.js";
import { testClient, uniquePath, sharedTestServer } from "../support/server.js";
import { rejection } from "../support/caught.js";

const server = sharedTestServer();

afterEach(async () => {
  await clearFaults(server().url);
});

function count(requests: readonly RecordedRequest[], method: string): number {
  return requests.filter((r) => r.method === method).length;
}

/**
 * A text stream holding `content`, created through a separate client, plus a
 * recording client on the same path for the test itself.
 */
async function setup(
  content: string | undefined,
  options: DurableStreamClientOptions = {},
): Promise<{ path: string; stream: DurableStream; requests: RecordedRequest[] }> {
  const path = uniquePath();
  await testClient(server())
    .stream(path)
    .create({ contentType: "text/plain", ...(content ? { data: content } : {}) });
  const recorder = recordingFetch();
  const client = testClient(server(), { fetch: recorder.fetch, ...options });
  return {
    path,
    stream: client.stream(path, { contentType: "text/plain" }),
    requests: recorder.requests,
  };
}

function fault(path: string, spec: Fault): Promise<void> {
  return injectFault(server().url, path, spec);
}

describe("reads", () => {
  it.each([500, 503, 429])("retry %i answers and then succeed", async (status) => {
    const { path, stream, requests } = await setup("hello retry");
    await fault(path, { status, count: 2, method: "GET" });
    const res = await stream.read();
    expect(await res.text()).toBe("hello retry");
    expect(count(requests, "GET")).toBe(3);
    // Every attempt asked for the same offset: nothing skipped, nothing repeated.
    expect(new Set(requests.map((r) => r.url.searchParams.get("offset")))).toEqual(new Set(["-1"]));
  });

  it("waits at least the Retry-After of a 429, even with tiny backoff settings", async () => {
    const { path, stream, requests } = await setup("patience", {
      retry: { maxRetries: 3, initialDelayMs: 1, maxDelayMs: 2, multiplier: 1 },
    });
    await fault(path, { status: 429, retryAfter: 1, method: "GET" });
    const started = performance.now();
    const res = await stream.read();
    const elapsed = performance.now() - started;
    expect(await res.text()).toBe("patience");
    expect(count(requests, "GET")).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(950);
    expect(elapsed).toBeLessThan(10_000);
  });

  it("gives up after maxRetries with the last answer as UnexpectedStatusError", async () => {
    const { path, stream, requests } = await setup("never", {
      retry: { maxRetries: 2, initialDelayMs: 1, maxDelayMs: 5, multiplier: 2 },
    });
    await fault(path, { status: 500, count: 10, method: "GET" });
    const error = await rejection(stream.read());
    expect(error).toBeInstanceOf(UnexpectedStatusError);
    const unexpected = error as UnexpectedStatusError;
    expect(unexpected.status).toBe(500);
    expect(unexpected.retryable).toBe(true);
    expect(unexpected.code).toBe("UNEXPECTED_STATUS");
    expect(unexpected.url).toBe(stream.url);
    expect(unexpected.body).toContain("Injected error");
    expect(requests).toHaveLength(3);
  });

  it("does not retry at all with maxRetries 0", async () => {
    const { path, stream, requests } = await setup("x", { retry: { maxRetries: 0 } });
    await fault(path, { status: 503, count: 1, method: "GET" });
    expect(await rejection(stream.read())).toBeInstanceOf(UnexpectedStatusError);
    expect(requests).toHaveLength(1);
  });

  it("retries a dropped connection on GET", async () => {
    const { path, stream, requests } = await setup("after the drop");
    await fault(path, { dropConnection: true, count: 2, method: "GET" });
    const res = await stream.read();
    expect(await res.text()).toBe("after the drop");
    expect(count(requests, "GET")).toBe(3);
  });

  it("reports NetworkError (outcome known) once dropped GETs exhaust the retries", async () => {
    const { path, stream, requests } = await setup("x", {
      retry: { maxRetries: 1, initialDelayMs: 1, maxDelayMs: 5, multiplier: 2 },
    });
    await fault(path, { dropConnection: true, count: 10, method: "GET" });
    const error = await rejection(stream.read());
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).outcomeUnknown).toBe(false);
    expect((error as NetworkError).retryable).toBe(true);
    expect((error as NetworkError).code).toBe("NETWORK_ERROR");
    expect(requests).toHaveLength(2);
  });
});

describe("4xx answers", () => {
  it.each([400, 401, 403, 413])("are not retried (%i on HEAD)", async (status) => {
    const { path, stream, requests } = await setup("x");
    await fault(path, { status, count: 5, method: "HEAD" });
    const error = await rejection(stream.head());
    // A 401 without an onUnauthorized hook is typed as such; the others are unexpected statuses.
    expect(error).toBeInstanceOf(status === 401 ? UnauthorizedError : UnexpectedStatusError);
    expect((error as UnexpectedStatusError).status).toBe(status);
    expect((error as UnexpectedStatusError).retryable).toBe(false);
    expect(requests).toHaveLength(1);
  });

  it("are not retried on a read (403)", async () => {
    const { path, stream, requests } = await setup("x");
    await fault(path, { status: 403, count: 5, method: "GET" });
    const error = await rejection(stream.read());
    expect(error).toBeInstanceOf(UnexpectedStatusError);
    expect((error as UnexpectedStatusError).status).toBe(403);
    expect(requests).toHaveLength(1);
  });

  it("are not retried on an append (404 of a missing stream)", async () => {
    const recorder = recordingFetch();
    const stream = testClient(server(), { fetch: recorder.fetch }).stream(uniquePath("missing"), {
      contentType: "text/plain",
    });
    expect(await rejection(stream.append("x"))).toBeInstanceOf(StreamNotFoundError);
    expect(recorder.requests).toHaveLength(1);
  });
});

describe("writes", () => {
  it.each([503, 429, 500])(
    "repeat a plain append answered %i; the data lands once",
    async (status) => {
      const { path, stream, requests } = await setup("a");
      await fault(path, { status, count: 2, method: "POST" });
      const { offset } = await stream.append("b");
      expect(count(requests, "POST")).toBe(3);
      expect((await stream.head()).offset).toBe(offset);
      expect(await (await stream.read()).text()).toBe("ab");
    },
  );

  it("do not repeat a plain append whose connection dropped: NetworkError, outcome unknown", async () => {
    const { path, stream, requests } = await setup("a");
    const before = (await stream.head()).offset;
    await fault(path, { dropConnection: true, count: 1, method: "POST" });
    const error = await rejection(stream.append("b"));
    expect(error).toBeInstanceOf(NetworkError);
    const network = error as NetworkError;
    expect(network.outcomeUnknown).toBe(true);
    expect(network.url).toBe(stream.url);
    expect(count(requests, "POST")).toBe(1);
    // The server dropped it before applying; no later attempt slipped through either.
    expect((await stream.head()).offset).toBe(before);
    expect(await (await stream.read()).text()).toBe("a");
  });

  it("do not repeat a close with data whose connection dropped", async () => {
    const { path, stream, requests } = await setup("a");
    await fault(path, { dropConnection: true, count: 1, method: "POST" });
    const error = await rejection(stream.close({ data: "final" }));
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).outcomeUnknown).toBe(true);
    expect(count(requests, "POST")).toBe(1);
    expect((await stream.head()).closed).toBe(false);
  });

  it("repeat a plain close (idempotent) after a dropped connection", async () => {
    const { path, stream, requests } = await setup("a");
    await fault(path, { dropConnection: true, count: 1, method: "POST" });
    const { finalOffset } = await stream.close();
    expect(count(requests, "POST")).toBe(2);
    const head = await stream.head();
    expect(head.closed).toBe(true);
    expect(head.offset).toBe(finalOffset);
  });

  it("repeat a create (idempotent) after a dropped connection", async () => {
    const recorder = recordingFetch();
    const path = uniquePath();
    const stream = testClient(server(), { fetch: recorder.fetch }).stream(path);
    await fault(path, { dropConnection: true, count: 1, method: "PUT" });
    const result = await stream.create({ contentType: "text/plain", data: "init" });
    expect(result.created).toBe(true);
    expect(count(recorder.requests, "PUT")).toBe(2);
    expect(await (await stream.read()).text()).toBe("init");
  });
});

describe("abort", () => {
  it("rejects promptly with the signal's reason when aborted during a backoff wait (read)", async () => {
    const { path, stream, requests } = await setup("x");
    await fault(path, { status: 503, retryAfter: 30, method: "GET" });
    const controller = new AbortController();
    const reason = new Error("user gave up");
    setTimeout(() => controller.abort(reason), 100);
    const started = performance.now();
    const error = await rejection(stream.read({ signal: controller.signal }));
    const elapsed = performance.now() - started;
    expect(error).toBe(reason);
    expect(elapsed).toBeGreaterThanOrEqual(50);
    expect(elapsed).toBeLessThan(5_000);
    expect(requests).toHaveLength(1);
  });

  it("rejects promptly with the signal's reason when aborted during a backoff wait (append)", async () => {
    const { path, stream, requests } = await setup("x");
    await fault(path, { status: 503, retryAfter: 30, method: "POST" });
    const controller = new AbortController();
    const reason = new Error("stop appending");
    setTimeout(() => controller.abort(reason), 100);
    const started = performance.now();
    const error = await rejection(stream.append("y", { signal: controller.signal }));
    expect(error).toBe(reason);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(count(requests, "POST")).toBe(1);
    expect(await (await stream.read()).text()).toBe("x");
  });

  it("sends no request at all with an already aborted signal", async () => {
    const { stream, requests } = await setup("x");
    const reason = new Error("aborted before");
    const signal = AbortSignal.abort(reason);
    expect(await rejection(stream.head({ signal }))).toBe(reason);
    expect(await rejection(stream.append("y", { signal }))).toBe(reason);
    expect(await rejection(stream.read({ signal }))).toBe(reason);
    expect(await rejection(stream.create({ contentType: "text/plain", signal }))).toBe(reason);
    expect(await rejection(stream.close({ signal }))).toBe(reason);
    expect(await rejection(stream.delete({ signal }))).toBe(reason);
    expect(requests).toHaveLength(0);
  });
});

describe("backoffDelay", () => {
  const policy = resolveRetryPolicy({
    maxRetries: 5,
    initialDelayMs: 100,
    maxDelayMs: 1000,
    multiplier: 2,
  });

  it("spreads the wait over the full range [0, bound) with bound = initial × multiplier^attempt", () => {
    expect(backoffDelay(policy, 0, undefined, () => 0)).toBe(0);
    expect(backoffDelay(policy, 0, undefined, () => 0.5)).toBe(50);
    expect(backoffDelay(policy, 0, undefined, () => 0.999)).toBeCloseTo(99.9);
    expect(backoffDelay(policy, 1, undefined, () => 0.5)).toBe(100);
    expect(backoffDelay(policy, 2, undefined, () => 0.5)).toBe(200);
    expect(backoffDelay(policy, 3, undefined, () => 0.25)).toBe(200);
    expect(backoffDelay(policy, 3, undefined, () => 0.999)).toBeCloseTo(799.2);
  });

  it("caps the bound at maxDelayMs", () => {
    expect(backoffDelay(policy, 4, undefined, () => 0.999)).toBeCloseTo(999);
    expect(backoffDelay(policy, 10, undefined, () => 0.5)).toBe(500);
    expect(backoffDelay(policy, 10_000, undefined, () => 0.5)).toBe(500);
    for (let attempt = 0; attempt < 50; attempt++) {
      expect(backoffDelay(policy, attempt, undefined, () => 0.9999)).toBeLessThan(1000);
    }
  });

  it("stays within [0, bound) with the default random source", () => {
    for (let i = 0; i < 500; i++) {
      const delay = backoffDelay(policy, 2, undefined);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(400);
    }
  });

  it("never waits less than Retry-After, even beyond maxDelayMs", () => {
    expect(backoffDelay(policy, 0, 1000, () => 0)).toBe(1000);
    expect(backoffDelay(policy, 0, 5000, () => 0.999)).toBe(5000);
    expect(backoffDelay(policy, 10, 30_000, () => 0.5)).toBe(30_000);
    // A jittered wait above the floor is kept.
    expect(backoffDelay(policy, 3, 10, () => 0.5)).toBe(400);
    expect(backoffDelay(policy, 0, 0, () => 0.5)).toBe(50);
  });

  it("has the documented defaults", () => {
    expect(resolveRetryPolicy(undefined)).toEqual(resolveRetryPolicy());
    expect(resolveRetryPolicy()).toEqual({
      maxRetries: 3,
      initialDelayMs: 100,
      maxDelayMs: 30_000,
      multiplier: 2,
    });
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");

  it("reads delta seconds", () => {
    expect(parseRetryAfter("1", now)).toBe(1000);
    expect(parseRetryAfter("0", now)).toBe(0);
    expect(parseRetryAfter(" 120 ", now)).toBe(120_000);
  });

  it("reads HTTP dates relative to now, never negative", () => {
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Wednesday, 21-Oct-15 07:29:00 GMT", now)).toBe(60_000);
    expect(parseRetryAfter("Wed Oct 21 07:28:05 2015", now)).toBeDefined();
    expect(parseRetryAfter("Tue, 20 Oct 2015 07:28:00 GMT", now)).toBe(0);
    expect(parseRetryAfter(new Date(now + 5000).toUTCString(), now)).toBe(5000);
  });

  it("ignores a missing header and garbage", () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    for (const garbage of ["", "soon", "1.5", "-5", "+3", "1e3", "retry 2099", "abc 12"]) {
      expect(parseRetryAfter(garbage, now), garbage).toBeUndefined();
    }
  });

  it("caps the wait at one hour", () => {
    expect(parseRetryAfter("3600", now)).toBe(3_600_000);
    expect(parseRetryAfter("86400", now)).toBe(3_600_000);
    expect(parseRetryAfter("99999999999999999999", now)).toBe(3_600_000);
    expect(parseRetryAfter("Fri, 23 Oct 2015 07:28:00 GMT", now)).toBe(3_600_000);
  });
});
