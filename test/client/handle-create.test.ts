// @vitest-environment node
import { describe, expect, it } from "vitest";
import {
  DurableStreamError,
  InvalidArgumentError,
  Offset,
  StreamClosedError,
  StreamConflictError,
  StreamNotFoundError,
  compareOffsets,
} from "../../src/client/index.js";
import { recordingFetch } from "../support/counting-fetch.js";
import { rejection } from "../support/caught.js";
import { testClient, uniquePath, sharedTestServer } from "../support/server.js";

const server = sharedTestServer();

describe("create", () => {
  it("answers created:true for 201 and created:false for an identical repeat", async () => {
    const stream = testClient(server()).stream(uniquePath());
    const first = await stream.create({ contentType: "application/json" });
    expect(first.created).toBe(true);
    expect(first.contentType).toBe("application/json");
    expect(first.closed).toBe(false);
    expect(typeof first.offset).toBe("string");

    const again = await stream.create({ contentType: "application/json" });
    expect(again.created).toBe(false);
    expect(again.offset).toBe(first.offset);
  });

  it("rejects a create with a different configuration with StreamConflictError", async () => {
    const client = testClient(server());
    const path = uniquePath();
    await client.stream(path).create({ contentType: "application/json" });
    const error = await rejection(client.stream(path).create({ contentType: "text/plain" }));
    expect(error).toBeInstanceOf(StreamConflictError);
    expect(error).toBeInstanceOf(DurableStreamError);
    const conflict = error as StreamConflictError;
    expect(conflict.status).toBe(409);
    expect(conflict.code).toBe("CONFLICT");
    expect(conflict.url).toBe(client.stream(path).url);
  });

  it("stores the content type and teaches it to the handle", async () => {
    const stream = testClient(server()).stream(uniquePath());
    expect(stream.contentType).toBeUndefined();
    await stream.create({ contentType: "text/plain; charset=utf-8" });
    expect(stream.contentType).toBe("text/plain; charset=utf-8");
    expect((await stream.head()).contentType).toBe("text/plain; charset=utf-8");
  });

  it("defaults to application/octet-stream without a content type", async () => {
    const stream = testClient(server()).stream(uniquePath());
    const result = await stream.create();
    expect(result.contentType).toBe("application/octet-stream");
    expect((await stream.head()).contentType).toBe("application/octet-stream");
  });

  it("sends ttlSeconds, which head() reports back", async () => {
    const recorder = recordingFetch();
    const stream = testClient(server(), { fetch: recorder.fetch }).stream(uniquePath());
    await stream.create({ contentType: "text/plain", ttlSeconds: 3600 });
    expect(recorder.requests[0]!.headers.get("stream-ttl")).toBe("3600");
    expect(recorder.requests[0]!.headers.has("stream-expires-at")).toBe(false);
    const head = await stream.head();
    expect(head.ttlSeconds).toBe(3600);
    expect(head.expiresAt).toBeUndefined();
  });

  it("sends expiresAt (string or Date), which head() reports back", async () => {
    const client = testClient(server());
    const asString = client.stream(uniquePath());
    await asString.create({ expiresAt: "2099-01-02T03:04:05Z" });
    const head = await asString.head();
    expect(head.expiresAt).toBe("2099-01-02T03:04:05Z");
    expect(head.ttlSeconds).toBeUndefined();

    const asDate = client.stream(uniquePath());
    const when = new Date(Date.UTC(2099, 0, 2, 3, 4, 5));
    await asDate.create({ expiresAt: when });
    const dateHead = await asDate.head();
    expect(dateHead.expiresAt).toBeDefined();
    expect(new Date(dateHead.expiresAt!).getTime()).toBe(when.getTime());
    // The same Date again is the identical configuration.
    expect((await asDate.create({ expiresAt: when })).created).toBe(false);
  });

  it("refuses ttlSeconds together with expiresAt before sending anything", async () => {
    const recorder = recordingFetch();
    const stream = testClient(server(), { fetch: recorder.fetch }).stream(uniquePath());
    const error = await rejection(
      stream.create({ ttlSeconds: 60, expiresAt: "2099-01-01T00:00:00Z" }),
    );
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).code).toBe("INVALID_ARGUMENT");
    expect(recorder.requests).toHaveLength(0);
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.MAX_SAFE_INTEGER + 2])(
    "refuses ttlSeconds %s before sending anything",
    async (ttlSeconds) => {
      const recorder = recordingFetch();
      const stream = testClient(server(), { fetch: recorder.fetch }).stream(uniquePath());
      const error = await rejection(stream.create({ ttlSeconds }));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as InvalidArgumentError).argument).toBe("ttlSeconds");
      expect(recorder.requests).toHaveLength(0);
    },
  );

  it("refuses an invalid Date for expiresAt before sending anything", async () => {
    const recorder = recordingFetch();
    const stream = testClient(server(), { fetch: recorder.fetch }).stream(uniquePath());
    const error = await rejection(stream.create({ expiresAt: new Date(Number.NaN) }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe("expiresAt");
    expect(recorder.requests).toHaveLength(0);
  });

  it("writes initial data", async () => {
    const stream = testClient(server()).stream(uniquePath());
    const result = await stream.create({ contentType: "text/plain", data: "first words" });
    expect(result.created).toBe(true);
    expect(result.offset).not.toBe(Offset.beginning);
    expect((await stream.head()).offset).toBe(result.offset);
    const res = await stream.read();
    expect(await res.text()).toBe("first words");
  });

  it("creates a closed stream", async () => {
    const stream = testClient(server()).stream(uniquePath());
    const result = await stream.create({ contentType: "text/plain", closed: true });
    expect(result.closed).toBe(true);
    expect((await stream.head()).closed).toBe(true);
    const error = await rejection(stream.append("more"));
    expect(error).toBeInstanceOf(StreamClosedError);
  });

  it("creates a closed stream with initial data that reads back", async () => {
    const stream = testClient(server()).stream(uniquePath());
    const result = await stream.create({
      contentType: "application/json",
      closed: true,
      data: JSON.stringify([{ n: 1 }, { n: 2 }]),
    });
    expect(result.closed).toBe(true);
    const head = await stream.head();
    expect(head.closed).toBe(true);
    expect(head.offset).toBe(result.offset);
    const res = await stream.read();
    expect(await res.json()).toEqual([{ n: 1 }, { n: 2 }]);
    expect(res.closed).toBe(true);
  });
});

describe("head", () => {
  it("reports content type, offset, etag and closed", async () => {
    const stream = testClient(server()).stream(uniquePath());
    await stream.create({ contentType: "application/json" });
    const empty = await stream.head();
    expect(empty.contentType).toBe("application/json");
    expect(empty.closed).toBe(false);
    expect(empty.etag).toMatch(/^".+"$/);
    expect(typeof empty.offset).toBe("string");

    const { offset } = await stream.appendJson({ hello: "world" });
    const after = await stream.head();
    expect(after.offset).toBe(offset);
    expect(compareOffsets(empty.offset, after.offset)).toBe(-1);
    expect(after.etag).not.toBe(empty.etag);

    await stream.close();
    const closed = await stream.head();
    expect(closed.closed).toBe(true);
    expect(closed.offset).toBe(offset);
  });

  it("rejects a missing stream with StreamNotFoundError carrying 404 and the URL", async () => {
    const stream = testClient(server()).stream(uniquePath("missing"));
    const error = await rejection(stream.head());
    expect(error).toBeInstanceOf(StreamNotFoundError);
    const notFound = error as StreamNotFoundError;
    expect(notFound.status).toBe(404);
    expect(notFound.code).toBe("NOT_FOUND");
    expect(notFound.retryable).toBe(false);
    expect(notFound.url).toBe(stream.url);
    expect(notFound.message).toContain(stream.url);
  });
});
