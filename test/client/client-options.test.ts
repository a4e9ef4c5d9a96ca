// @vitest-environment node
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  DurableStreamClient,
  InvalidArgumentError,
  Offset,
  type JsonCodec,
  type RetryOptions,
} from "../../src/client/index.js";
import { recordingFetch } from "../support/counting-fetch.js";
import { clearFaults, injectFault } from "../support/faults.js";
import { testClient, uniquePath, sharedTestServer } from "../support/server.js";

const server = sharedTestServer();

afterEach(async () => {
  await clearFaults(server().url);
});

function invalidArgument(action: () => unknown): InvalidArgumentError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return error as InvalidArgumentError;
  }
  throw new Error("expected an InvalidArgumentError, but nothing was thrown");
}

describe("retry option validation", () => {
  it.each<[string, RetryOptions, string]>([
    ["negative maxRetries", { maxRetries: -1 }, "retry.maxRetries"],
    ["fractional maxRetries", { maxRetries: 1.5 }, "retry.maxRetries"],
    ["NaN maxRetries", { maxRetries: Number.NaN }, "retry.maxRetries"],
    ["zero initialDelayMs", { initialDelayMs: 0 }, "retry.initialDelayMs"],
    ["negative initialDelayMs", { initialDelayMs: -5 }, "retry.initialDelayMs"],
    ["NaN initialDelayMs", { initialDelayMs: Number.NaN }, "retry.initialDelayMs"],
    [
      "maxDelayMs below initialDelayMs",
      { initialDelayMs: 100, maxDelayMs: 99 },
      "retry.maxDelayMs",
    ],
    ["maxDelayMs below the default initialDelayMs", { maxDelayMs: 50 }, "retry.maxDelayMs"],
    ["multiplier below 1", { multiplier: 0.5 }, "retry.multiplier"],
    ["multiplier 0", { multiplier: 0 }, "retry.multiplier"],
    ["NaN multiplier", { multiplier: Number.NaN }, "retry.multiplier"],
  ])("rejects %s, naming the option", (_label, retry, option) => {
    const error = invalidArgument(() => new DurableStreamClient({ baseUrl: server().url, retry }));
    expect(error.code).toBe("INVALID_ARGUMENT");
    expect(error.argument).toBe(option);
    expect(error.message).toContain(option);
  });

  it("accepts the boundary values", () => {
    expect(
      () =>
        new DurableStreamClient({
          baseUrl: server().url,
          retry: { maxRetries: 0, initialDelayMs: 1, maxDelayMs: 1, multiplier: 1 },
        }),
    ).not.toThrow();
    expect(
      () => new DurableStreamClient({ retry: { maxRetries: undefined, multiplier: undefined } }),
    ).not.toThrow();
  });
});

describe("baseUrl", () => {
  it.each([
    "not a url",
    "",
    "/relative/only",
    "example.com/streams",
    "mailto:someone@example.com",
    "file:///tmp/streams",
    "ws://example.com/streams",
  ])("rejects %j with InvalidArgumentError naming baseUrl", (baseUrl) => {
    const error = invalidArgument(() => new DurableStreamClient({ baseUrl }));
    expect(error.argument).toBe("baseUrl");
    expect(error.message).toContain("baseUrl");
  });

  it("accepts http and https base URLs", () => {
    expect(
      new DurableStreamClient({ baseUrl: "https://streams.example.com/v1" }).stream("/a").url,
    ).toBe("https://streams.example.com/v1/a");
    expect(new DurableStreamClient({ baseUrl: "HTTP://Example.com" }).stream("a").url).toBe(
      "http://example.com/a",
    );
  });

  it.each([
    ["http://", "is not a valid URL"],
    ["https://exa mple.com/a", "is not a valid URL"],
    ["mailto:someone@example.com", "is not an http(s) URL"],
    ["ftp://example.com/a", "is not an http(s) URL"],
  ])("rejects the stream URL %j with InvalidArgumentError naming it", (url, reason) => {
    const client = new DurableStreamClient({ baseUrl: "http://127.0.0.1:1" });
    const error = invalidArgument(() => client.stream(url));
    expect(error.argument).toBe("url");
    expect(error.message).toBe(`Invalid url: ${JSON.stringify(url)} ${reason}`);
  });

  it("requires a baseUrl for relative paths outside the browser", () => {
    const client = new DurableStreamClient();
    const error = invalidArgument(() => client.stream("/a/b"));
    expect(error.argument).toBe("url");
    // An absolute URL needs no base.
    expect(client.stream("http://example.com/x/y").url).toBe("http://example.com/x/y");
  });

  it.each([
    ["/v1/streams", "/chat"],
    ["/v1/streams/", "/chat"],
    ["/v1/streams", "chat"],
    ["/v1/streams//", "//chat"],
  ])("keeps the base path %j as a prefix of %j", async (prefix, pathStart) => {
    const recorder = recordingFetch();
    const client = testClient(server(), {
      baseUrl: `${server().url}${prefix}`,
      fetch: recorder.fetch,
    });
    const tail = uniquePath("prefixed").replace(/^\//, "");
    const stream = client.stream(`${pathStart}/${tail}`);
    expect(stream.url).toBe(`${server().url}/v1/streams/chat/${tail}`);
    expect((await stream.create({ contentType: "text/plain" })).created).toBe(true);
    expect(recorder.requests).toHaveLength(1);
    expect(recorder.requests[0]!.method).toBe("PUT");
    expect(recorder.requests[0]!.url.pathname).toBe(`/v1/streams/chat/${tail}`);

    // The stream really lives under the prefix on the server.
    const plain = testClient(server());
    const head = await plain.stream(`/v1/streams/chat/${tail}`).head();
    expect(head.contentType).toBe("text/plain");
  });

  it("passes absolute stream URLs through unchanged", async () => {
    const recorder = recordingFetch();
    const client = testClient(server(), {
      baseUrl: "http://unused.invalid/ignored",
      fetch: recorder.fetch,
    });
    const absolute = `${server().url}${uniquePath("absolute")}`;
    await client.stream(absolute).create({ contentType: "text/plain" });
    expect(recorder.requests[0]!.url.href).toBe(absolute);
  });

  it("keeps a query string that is part of the stream path", async () => {
    const recorder = recordingFetch();
    const client = testClient(server(), { fetch: recorder.fetch });
    const path = uniquePath();
    await client.stream(`${path}?shard=7`).create({ contentType: "text/plain" });
    expect(recorder.requests[0]!.url.pathname).toBe(path);
    expect(recorder.requests[0]!.url.searchParams.get("shard")).toBe("7");
  });
});

describe("headers", () => {
  it("sends static and function headers, resolving functions for every request and retry", async () => {
    const recorder = recordingFetch();
    let calls = 0;
    const signals: AbortSignal[] = [];
    const client = testClient(server(), {
      fetch: recorder.fetch,
      headers: {
        "x-static": "fixed",
        "x-sync": () => `sync-${calls}`,
        authorization: async ({ signal }) => {
          signals.push(signal);
          calls++;
          await new Promise((resolve) => setTimeout(resolve, 1));
          return `Bearer token-${calls}`;
        },
      },
    });
    const path = uniquePath();
    const stream = client.stream(path);
    await stream.create({ contentType: "text/plain" });
    await stream.append("a");
    await stream.head();
    expect(calls).toBe(3);

    // One 503 on the next POST: the retry resolves the headers again.
    await injectFault(server().url, path, { status: 503, count: 1, method: "POST" });
    await stream.append("b");
    expect(calls).toBe(5);

    const res = await stream.read();
    expect(await res.text()).toBe("ab");
    expect(calls).toBe(6);

    expect(recorder.requests.map((r) => r.method)).toEqual([
      "PUT",
      "POST",
      "HEAD",
      "POST",
      "POST",
      "GET",
    ]);
    recorder.requests.forEach((request, index) => {
      expect(request.headers.get("x-static")).toBe("fixed");
      expect(request.headers.get("authorization")).toBe(`Bearer token-${index + 1}`);
      expect(request.headers.get("x-sync")).toBe(`sync-${index}`);
    });
    expect(signals).toHaveLength(6);
    for (const signal of signals) expect(signal).toBeInstanceOf(AbortSignal);
  });

  it("leaves out a header whose function returns undefined", async () => {
    const recorder = recordingFetch();
    let present = false;
    const client = testClient(server(), {
      fetch: recorder.fetch,
      headers: {
        "x-maybe": () => (present ? "yes" : undefined),
        "x-async-maybe": async () => undefined,
      },
    });
    const stream = client.stream(uniquePath());
    await stream.create({ contentType: "text/plain" });
    present = true;
    await stream.head();
    expect(recorder.requests[0]!.headers.has("x-maybe")).toBe(false);
    expect(recorder.requests[0]!.headers.has("x-async-maybe")).toBe(false);
    expect(recorder.requests[1]!.headers.get("x-maybe")).toBe("yes");
    expect(recorder.requests[1]!.headers.has("x-async-maybe")).toBe(false);
  });

  it("lets per-call headers override the client's, whatever their case, without calling the overridden function", async () => {
    const recorder = recordingFetch();
    const clientToken = vi.fn(() => "client");
    const client = testClient(server(), {
      fetch: recorder.fetch,
      headers: { "X-Token": clientToken, "x-other": "kept" },
    });
    const stream = client.stream(uniquePath());
    await stream.create({ contentType: "text/plain", headers: { "x-token": "call" } });
    expect(recorder.requests[0]!.headers.get("x-token")).toBe("call");
    expect(recorder.requests[0]!.headers.get("x-other")).toBe("kept");
    expect(clientToken).not.toHaveBeenCalled();
  });

  it("never lets a user header replace a protocol header", async () => {
    const recorder = recordingFetch();
    const client = testClient(server(), {
      fetch: recorder.fetch,
      headers: { "Content-Type": "text/plain" },
    });
    const stream = client.stream(uniquePath());
    await stream.create({ contentType: "application/json" });
    await stream.appendJson({ ok: true });
    const post = recorder.requests.find((r) => r.method === "POST")!;
    expect(post.headers.get("content-type")).toBe("application/json");
    expect(await (await stream.read()).json()).toEqual([{ ok: true }]);
  });
});

describe("params", () => {
  it("sends static and function params in the query with sorted keys", async () => {
    const recorder = recordingFetch();
    let calls = 0;
    const client = testClient(server(), {
      fetch: recorder.fetch,
      params: {
        zeta: "last",
        alpha: "first",
        mid: async () => `m${++calls}`,
        gone: () => undefined,
      },
    });
    const stream = client.stream(uniquePath());
    await stream.create({ contentType: "text/plain" });
    await stream.append("x");
    const res = await stream.read();
    expect(await res.text()).toBe("x");
    expect(calls).toBe(3);

    recorder.requests.forEach((request, index) => {
      const query = request.url.searchParams;
      expect(query.get("zeta")).toBe("last");
      expect(query.get("alpha")).toBe("first");
      expect(query.get("mid")).toBe(`m${index + 1}`);
      expect(query.has("gone")).toBe(false);
      const keys = [...query.keys()];
      expect(keys).toEqual([...keys].sort());
    });
    const get = recorder.requests.at(-1)!;
    expect(get.method).toBe("GET");
    expect([...get.url.searchParams.keys()]).toEqual(["alpha", "mid", "offset", "zeta"]);
  });

  it("lets protocol parameters win over a user parameter of the same name", async () => {
    const recorder = recordingFetch();
    const client = testClient(server(), {
      fetch: recorder.fetch,
      params: { offset: "9999999999999999_9999999999999999", live: "sse" },
    });
    const stream = client.stream(uniquePath());
    await stream.create({ contentType: "text/plain" });
    await stream.append("data");
    const res = await stream.read({ offset: Offset.beginning });
    expect(await res.text()).toBe("data");
    const get = recorder.requests.find((r) => r.method === "GET")!;
    expect(get.url.searchParams.getAll("offset")).toEqual(["-1"]);
    // The first read request never carries `live`, whatever the user params say.
    expect(get.url.searchParams.has("live")).toBe(false);
  });

  it("lets per-call params override the client's", async () => {
    const recorder = recordingFetch();
    const client = testClient(server(), { fetch: recorder.fetch, params: { tenant: "a" } });
    const stream = client.stream(uniquePath());
    await stream.create({ contentType: "text/plain", params: { tenant: "b" } });
    expect(recorder.requests[0]!.url.searchParams.getAll("tenant")).toEqual(["b"]);
  });
});

describe("request URLs", () => {
  it("sends a stream URL without parameters exactly as it is", async () => {
    const recorder = recordingFetch();
    const stream = testClient(server(), { fetch: recorder.fetch }).stream(uniquePath());
    await stream.create({ contentType: "text/plain" });
    await stream.append("x");
    expect(recorder.requests.map((r) => r.url.href)).toEqual([stream.url, stream.url]);
  });

  it("merges a stream URL's own query with user and protocol parameters, sorted", async () => {
    const recorder = recordingFetch();
    const client = testClient(server(), { fetch: recorder.fetch, params: { beta: "user" } });
    const path = uniquePath();
    // The reference server ignores unknown query parameters, so the stream is the same.
    const stream = client.stream(`${path}?zulu=own&beta=own`);
    await stream.create({ contentType: "text/plain" });
    await stream.append("data");
    expect(await (await stream.read({ offset: Offset.beginning })).text()).toBe("data");
    const get = recorder.requests.find((r) => r.method === "GET")!;
    expect([...get.url.searchParams]).toEqual([
      ["beta", "user"],
      ["offset", "-1"],
      ["zulu", "own"],
    ]);
    expect(get.url.pathname).toBe(new URL(stream.url).pathname);
  });

  it("puts parameters before a stream URL's fragment, which fetch never sends", async () => {
    const recorder = recordingFetch();
    const client = testClient(server(), { fetch: recorder.fetch });
    const stream = client.stream(`${uniquePath()}#section`);
    await stream.create({ contentType: "text/plain" });
    await stream.append("data");
    expect(await (await stream.read({ offset: Offset.beginning })).text()).toBe("data");
    const get = recorder.requests.find((r) => r.method === "GET")!;
    expect(get.url.href).toBe(stream.url.replace("#section", "?offset=-1#section"));
  });
});

describe("custom JSON codec", () => {
  it("is used by appendJson and read().json()", async () => {
    const stringify = vi.fn((value: unknown) => JSON.stringify(value));
    const parse = vi.fn((text: string) => JSON.parse(text) as unknown);
    const codec: JsonCodec = { stringify, parse };
    const recorder = recordingFetch();
    const client = testClient(server(), { json: codec, fetch: recorder.fetch });
    const stream = client.stream(uniquePath());
    await stream.create({ contentType: "application/json" });

    await stream.appendJson({ n: 1 });
    expect(stringify).toHaveBeenCalledTimes(1);
    expect(stringify).toHaveBeenLastCalledWith([{ n: 1 }]);

    const res = await stream.read();
    expect(await res.json()).toEqual([{ n: 1 }]);
    expect(parse).toHaveBeenCalled();
    expect(parse.mock.calls.some(([text]) => text.includes('"n":1'))).toBe(true);
  });

  it("shapes the bytes on the wire and the values read back", async () => {
    // A codec that encodes bigints as tagged strings and decodes them again.
    const codec: JsonCodec = {
      stringify: (value) =>
        JSON.stringify(value, (_key, v: unknown) =>
          typeof v === "bigint" ? `bigint:${v.toString()}` : v,
        ),
      parse: (text) =>
        JSON.parse(text, (_key, v: unknown) =>
          typeof v === "string" && v.startsWith("bigint:") ? BigInt(v.slice(7)) : v,
        ) as unknown,
    };
    const stream = testClient(server(), { json: codec }).stream(uniquePath());
    await stream.create({ contentType: "application/json" });
    await stream.appendJson({ big: 12345678901234567890n });
    const res = await stream.read();
    expect(await res.json()).toEqual([{ big: 12345678901234567890n }]);

    const plain = testClient(server()).stream(stream.url);
    expect(await (await plain.read()).json()).toEqual([{ big: "bigint:12345678901234567890" }]);
  });
});
