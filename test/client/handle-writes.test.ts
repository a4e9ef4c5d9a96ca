// @vitest-environment node
import { describe, expect, it } from "vitest";
import {
  ContentTypeMismatchError,
  UnexpectedStatusError,
  SequenceConflictError,
  StreamClosedError,
  StreamNotFoundError,
  compareOffsets,
} from "../../src/client/index.js";
import { recordingFetch } from "../support/counting-fetch.js";
import { rejection } from "../support/caught.js";
import { testClient, uniquePath, sharedTestServer } from "../support/server.js";

const server = sharedTestServer();

function methods(requests: ReadonlyArray<{ method: string }>): string[] {
  return requests.map((r) => r.method);
}

const encoder = new TextEncoder();

describe("append", () => {
  it("appends text that reads back exactly and returns the new tail offset", async () => {
    const stream = testClient(server()).stream(uniquePath());
    await stream.create({ contentType: "text/plain" });
    const first = await stream.append("héllo ");
    const second = await stream.append("wörld ✓");
    expect(compareOffsets(first.offset, second.offset)).toBe(-1);
    expect((await stream.head()).offset).toBe(second.offset);
    const res = await stream.read();
    expect(await res.text()).toBe("héllo wörld ✓");
    expect(res.offset).toBe(second.offset);
  });

  it("appends bytes that read back exactly", async () => {
    const stream = testClient(server()).stream(uniquePath());
    await stream.create({ contentType: "application/octet-stream" });
    const bytes = new Uint8Array([0, 1, 2, 0xff, 0xfe, 0x80, 10, 13]);
    await stream.append(bytes);
    const { offset } = await stream.append(new Uint8Array([42]));
    expect((await stream.head()).offset).toBe(offset);
    const res = await stream.read();
    expect(Array.from(await res.bytes())).toEqual([...bytes, 42]);
  });

  it.each([
    ["an empty string", ""],
    ["empty bytes", new Uint8Array(0)],
  ])(
    "sends %s and reports the server's 400 (the protocol makes the server the judge)",
    async (_label, data) => {
      const recorder = recordingFetch();
      const path = uniquePath();
      const stream = testClient(server(), { fetch: recorder.fetch }).stream(path, {
        contentType: "text/plain",
      });
      await stream.create({ contentType: "text/plain" });
      const error = await rejection(stream.append(data));
      expect(error).toBeInstanceOf(UnexpectedStatusError);
      expect((error as UnexpectedStatusError).status).toBe(400);
      expect(recorder.requests.filter((r) => r.method === "POST")).toHaveLength(1);
      expect((await stream.head()).offset).toBe(
        (await stream.create({ contentType: "text/plain" })).offset,
      );
    },
  );

  it("sends Stream-Seq; increasing values succeed, a regression is a SequenceConflictError", async () => {
    const recorder = recordingFetch();
    const stream = testClient(server(), { fetch: recorder.fetch }).stream(uniquePath());
    await stream.create({ contentType: "text/plain" });
    await stream.append("a", { seq: "0001" });
    await stream.append("b", { seq: "0002" });
    expect(recorder.requests.at(-1)!.headers.get("stream-seq")).toBe("0002");

    const error = await rejection(stream.append("c", { seq: "0001" }));
    expect(error).toBeInstanceOf(SequenceConflictError);
    const conflict = error as SequenceConflictError;
    expect(conflict.code).toBe("SEQUENCE_CONFLICT");
    expect(conflict.status).toBe(409);
    expect(conflict.url).toBe(stream.url);

    const equal = await rejection(stream.append("c", { seq: "0002" }));
    expect(equal).toBeInstanceOf(SequenceConflictError);
    // Nothing of the rejected appends landed.
    expect(await (await stream.read()).text()).toBe("ab");
  });

  it("reports a wrong content type as ContentTypeMismatchError", async () => {
    const stream = testClient(server()).stream(uniquePath());
    await stream.create({ contentType: "application/json" });
    const error = await rejection(stream.append("plain", { contentType: "text/plain" }));
    expect(error).toBeInstanceOf(ContentTypeMismatchError);
    const mismatch = error as ContentTypeMismatchError;
    expect(mismatch.code).toBe("CONTENT_TYPE_MISMATCH");
    expect(mismatch.status).toBe(409);
    expect(mismatch.sentContentType).toBe("text/plain");
    expect(mismatch.streamContentType).toBe("application/json");
  });

  it("reports a content type mismatch even when Stream-Seq also regressed", async () => {
    const stream = testClient(server()).stream(uniquePath());
    await stream.create({ contentType: "application/json" });
    await stream.append("[1]", { seq: "5" });
    // Both wrong: the server checks the content type first.
    const error = await rejection(stream.append("x", { seq: "1", contentType: "text/plain" }));
    expect(error).toBeInstanceOf(ContentTypeMismatchError);
    expect((error as ContentTypeMismatchError).streamContentType).toBe("application/json");
    // And a seq regression alone with the right type stays a sequence conflict.
    expect(await rejection(stream.append("[2]", { seq: "1" }))).toBeInstanceOf(
      SequenceConflictError,
    );
  });

  it("rejects an append to a closed stream with StreamClosedError and the final offset", async () => {
    const stream = testClient(server()).stream(uniquePath());
    await stream.create({ contentType: "text/plain" });
    await stream.append("done");
    const { finalOffset } = await stream.close();
    const error = await rejection(stream.append("late"));
    expect(error).toBeInstanceOf(StreamClosedError);
    const closed = error as StreamClosedError;
    expect(closed.code).toBe("STREAM_CLOSED");
    expect(closed.status).toBe(409);
    expect(closed.finalOffset).toBe(finalOffset);
    expect(await (await stream.read()).text()).toBe("done");
  });

  it("rejects an append to a missing stream with StreamNotFoundError", async () => {
    const client = testClient(server());
    // Known content type: the POST itself answers 404.
    const known = client.stream(uniquePath("missing"), { contentType: "text/plain" });
    const error = await rejection(known.append("x"));
    expect(error).toBeInstanceOf(StreamNotFoundError);
    expect((error as StreamNotFoundError).status).toBe(404);
    // Unknown content type: the HEAD that looks it up answers 404.
    const unknown = client.stream(uniquePath("missing"));
    expect(await rejection(unknown.append("x"))).toBeInstanceOf(StreamNotFoundError);
  });

  it("learns an unknown content type with one HEAD, then appends without", async () => {
    const client = testClient(server());
    const path = uniquePath();
    await client.stream(path).create({ contentType: "application/json" });

    const recorder = recordingFetch();
    const stream = testClient(server(), { fetch: recorder.fetch }).stream(path);
    expect(stream.contentType).toBeUndefined();
    await stream.append(JSON.stringify({ a: 1 }));
    expect(methods(recorder.requests)).toEqual(["HEAD", "POST"]);
    expect(recorder.requests[1]!.headers.get("content-type")).toBe("application/json");
    expect(stream.contentType).toBe("application/json");

    await stream.append(JSON.stringify({ a: 2 }));
    expect(methods(recorder.requests)).toEqual(["HEAD", "POST", "POST"]);
    expect(await (await stream.read()).json()).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it("uses the content type given to the handle without a HEAD", async () => {
    const path = uniquePath();
    await testClient(server()).stream(path).create({ contentType: "text/plain" });
    const recorder = recordingFetch();
    const stream = testClient(server(), { fetch: recorder.fetch }).stream(path, {
      contentType: "text/plain",
    });
    await stream.append("x");
    expect(methods(recorder.requests)).toEqual(["POST"]);
    expect(recorder.requests[0]!.headers.get("content-type")).toBe("text/plain");
  });
});

describe("appendJson", () => {
  it("keeps an array value as one message", async () => {
    const recorder = recordingFetch();
    const stream = testClient(server(), { fetch: recorder.fetch }).stream(uniquePath());
    await stream.create({ contentType: "application/json" });
    await stream.appendJson([1, 2, 3]);
    await stream.appendJson({ b: true });
    await stream.appendJson("text");
    await stream.appendJson([]);
    expect(recorder.requests.filter((r) => r.method === "POST")).toHaveLength(4);
    const res = await stream.read();
    expect(await res.json()).toEqual([[1, 2, 3], { b: true }, "text", []]);
  });

  it("sends application/json even to a handle that does not know the type", async () => {
    const path = uniquePath();
    await testClient(server()).stream(path).create({ contentType: "application/json" });
    const recorder = recordingFetch();
    const stream = testClient(server(), { fetch: recorder.fetch }).stream(path);
    await stream.appendJson({ x: 1 });
    expect(methods(recorder.requests)).toEqual(["POST"]);
    expect(recorder.requests[0]!.headers.get("content-type")).toBe("application/json");
  });
});

describe("close", () => {
  it("returns the final offset and is idempotent", async () => {
    const stream = testClient(server()).stream(uniquePath());
    await stream.create({ contentType: "text/plain" });
    const { offset } = await stream.append("abc");
    const first = await stream.close();
    expect(first.finalOffset).toBe(offset);
    expect((await stream.head()).closed).toBe(true);
    const second = await stream.close();
    expect(second.finalOffset).toBe(offset);
  });

  it("appends final data atomically with the close", async () => {
    const recorder = recordingFetch();
    const stream = testClient(server(), { fetch: recorder.fetch }).stream(uniquePath());
    await stream.create({ contentType: "application/json" });
    await stream.appendJson({ n: 1 });
    const before = recorder.requests.length;
    const { finalOffset } = await stream.close({ data: JSON.stringify([{ n: 2 }]) });
    // One request carried both the data and the close.
    expect(recorder.requests.length - before).toBe(1);
    const closeRequest = recorder.requests.at(-1)!;
    expect(closeRequest.method).toBe("POST");
    expect(closeRequest.headers.get("stream-closed")).toBe("true");
    expect(closeRequest.headers.get("content-type")).toBe("application/json");

    const head = await stream.head();
    expect(head.closed).toBe(true);
    expect(head.offset).toBe(finalOffset);
    const res = await stream.read();
    expect(await res.json()).toEqual([{ n: 1 }, { n: 2 }]);
    expect(res.closed).toBe(true);
  });

  it("rejects final data on an already closed stream with StreamClosedError", async () => {
    const stream = testClient(server()).stream(uniquePath());
    await stream.create({ contentType: "text/plain" });
    await stream.append("a");
    const { finalOffset } = await stream.close();
    const error = await rejection(stream.close({ data: "b" }));
    expect(error).toBeInstanceOf(StreamClosedError);
    expect((error as StreamClosedError).finalOffset).toBe(finalOffset);
    expect(await (await stream.read()).text()).toBe("a");
  });

  it("rejects closing a missing stream with StreamNotFoundError", async () => {
    const stream = testClient(server()).stream(uniquePath("missing"));
    expect(await rejection(stream.close())).toBeInstanceOf(StreamNotFoundError);
  });
});

describe("delete", () => {
  it("deletes the stream; head then rejects with StreamNotFoundError", async () => {
    const stream = testClient(server()).stream(uniquePath());
    await stream.create({ contentType: "text/plain", data: "x" });
    await stream.delete();
    expect(await rejection(stream.head())).toBeInstanceOf(StreamNotFoundError);
    expect(await rejection(stream.delete())).toBeInstanceOf(StreamNotFoundError);
  });
});

describe("client shortcuts", () => {
  it("createStream creates and returns a handle that knows the content type", async () => {
    const recorder = recordingFetch();
    const client = testClient(server(), { fetch: recorder.fetch });
    const path = uniquePath();
    const stream = await client.createStream(path, { contentType: "application/json" });
    expect(stream.url).toBe(client.stream(path).url);
    expect(stream.contentType).toBe("application/json");
    expect(methods(recorder.requests)).toEqual(["PUT"]);
    await stream.appendJson(1);
    expect(methods(recorder.requests)).toEqual(["PUT", "POST"]);
    expect((await stream.head()).contentType).toBe("application/json");
    // Idempotent like create().
    await client.createStream(path, { contentType: "application/json" });
  });

  it("connect resolves for an existing stream and learns its content type", async () => {
    const client = testClient(server());
    const path = uniquePath();
    await client.createStream(path, { contentType: "text/plain" });
    const stream = await client.connect(path);
    expect(stream.contentType).toBe("text/plain");
  });

  it("connect rejects a missing stream with StreamNotFoundError", async () => {
    const client = testClient(server());
    const error = await rejection(client.connect(uniquePath("missing")));
    expect(error).toBeInstanceOf(StreamNotFoundError);
    expect((error as StreamNotFoundError).status).toBe(404);
  });

  it("deleteStream deletes", async () => {
    const client = testClient(server());
    const path = uniquePath();
    await client.createStream(path, { contentType: "text/plain" });
    await client.deleteStream(path);
    expect(await rejection(client.connect(path))).toBeInstanceOf(StreamNotFoundError);
    expect(await rejection(client.deleteStream(path))).toBeInstanceOf(StreamNotFoundError);
  });
});

describe("request encoding", () => {
  it("sends the text as UTF-8 bytes", async () => {
    const stream = testClient(server()).stream(uniquePath());
    await stream.create({ contentType: "application/octet-stream" });
    await stream.append("€");
    expect(Array.from(await (await stream.read()).bytes())).toEqual(
      Array.from(encoder.encode("€")),
    );
  });
});
