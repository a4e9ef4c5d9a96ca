// @vitest-environment node
import { afterEach, describe, expect, it } from "vitest";
import {
  IdempotentProducer,
  Offset,
  UnauthorizedError,
  type DurableStreamClient,
  type DurableStreamClientOptions,
  type FetchFunction,
  type UnauthorizedContext,
} from "../../src/client/index.js";
import { rejection } from "../support/caught.js";
import { clearFaults, injectFault } from "../support/faults.js";
import { delay, waitFor } from "../support/read-helpers.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";

// Idle long-polls and SSE keep-alives come back after 500 ms.
const server = sharedTestServer();

afterEach(async () => {
  await clearFaults(server().url);
});

/** One request as the gate saw it. */
interface GatedRequest {
  method: string;
  path: string;
  live: string | null;
  offset: string | null;
  authorization: string | null;
  /** 401 when the gate refused it; the server's status once it answered; undefined while waiting. */
  status: number | undefined;
}

/**
 * A bearer-token gate in front of the reference server. The reference server
 * has no authentication and so can never answer 401; this gate plays the part
 * of the auth layer of a real deployment: a request whose `authorization` is
 * not `Bearer <current token>` is refused with 401 before it reaches the
 * server, every other one is passed through unchanged. `expire()` rotates the
 * current token, as an identity provider expiring a short-lived token would.
 *
 * The reference server also never ends an SSE connection on its own (it holds
 * it until the client leaves), where real servers and proxies end them
 * periodically; `endSseConnections()` does that, cleanly, so a test can make
 * the reader reconnect at a moment of its choosing.
 */
class TokenGate {
  readonly requests: GatedRequest[] = [];
  private generation = 1;
  private readonly openSse = new Set<() => void>();

  /** The token the gate accepts right now. */
  get token(): string {
    return `token-${this.generation}`;
  }

  /** Makes every token handed out so far invalid. */
  expire(): void {
    this.generation++;
  }

  /** Ends every open SSE response body, as a server rotating connections would. */
  endSseConnections(): void {
    for (const end of [...this.openSse]) end();
  }

  forPath(path: string): GatedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  refused(path: string): GatedRequest[] {
    return this.forPath(path).filter((r) => r.status === 401);
  }

  readonly fetch: FetchFunction = async (input, init) => {
    const url = new URL(input);
    const authorization = new Headers(init.headers).get("authorization");
    const request: GatedRequest = {
      method: init.method ?? "GET",
      path: url.pathname,
      live: url.searchParams.get("live"),
      offset: url.searchParams.get("offset"),
      authorization,
      status: undefined,
    };
    this.requests.push(request);
    if (authorization !== `Bearer ${this.token}`) {
      request.status = 401;
      return new Response("token expired", {
        status: 401,
        headers: { "content-type": "text/plain", "www-authenticate": "Bearer" },
      });
    }
    const response = await fetch(input, init);
    request.status = response.status;
    if (request.live !== "sse" || response.body === null) return response;
    // Pass the SSE body through a transform the gate can end: terminating it closes
    // the client's side cleanly and cancels the server's side, so its connection goes too.
    let end = (): void => undefined;
    const passThrough = new TransformStream<Uint8Array, Uint8Array>({
      start: (controller) => {
        end = () => {
          this.openSse.delete(end);
          try {
            controller.terminate();
          } catch {
            // Already finished: nothing to end.
          }
        };
        this.openSse.add(end);
      },
      flush: () => {
        this.openSse.delete(end);
      },
    });
    return new Response(response.body.pipeThrough(passThrough), {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  };
}

/**
 * What an app holds: the token it sends (a dynamic header, resolved per
 * attempt) and a refresh that fetches the gate's current token, counting its
 * calls. `beforeRenew` runs inside the refresh, before the token is renewed:
 * the tests use it to append data while the reader is locked out, or to fail.
 */
function appCredentials(
  gate: TokenGate,
  options: { beforeRenew?: () => Promise<void>; renew?: boolean } = {},
) {
  const state = { token: gate.token, refreshes: 0, refreshedUrls: [] as string[] };
  const onUnauthorized = async ({ url }: UnauthorizedContext): Promise<void> => {
    state.refreshes++;
    state.refreshedUrls.push(url);
    await options.beforeRenew?.();
    if (options.renew !== false) state.token = gate.token;
  };
  const headers = { Authorization: () => `Bearer ${state.token}` };
  return { state, onUnauthorized, headers };
}

function gatedClient(
  gate: TokenGate,
  credentials: ReturnType<typeof appCredentials>,
  options: DurableStreamClientOptions = {},
): DurableStreamClient {
  return testClient(server(), {
    fetch: gate.fetch,
    headers: credentials.headers,
    onUnauthorized: credentials.onUnauthorized,
    ...options,
  });
}

/** A client straight to the reference server, for setting up streams and reading them back. */
function directClient(): DurableStreamClient {
  return testClient(server());
}

/** [method, live, status] of each request to `path`, for whole-sequence assertions. */
function sequence(
  gate: TokenGate,
  path: string,
): Array<[string, string | null, number | undefined]> {
  return gate.forPath(path).map((r) => [r.method, r.live, r.status]);
}

/** Whether a live request of `mode` to `path` got past the gate and is held open by the server. */
function liveOpen(gate: TokenGate, path: string, mode: "long-poll" | "sse", after = 0): boolean {
  return gate
    .forPath(path)
    .slice(after)
    .some((r) => r.live === mode && (mode === "sse" ? r.status === 200 : r.status === undefined));
}

describe("onUnauthorized: refresh and send once more", () => {
  it("a catch-up read refused with 401 refreshes and reads everything", async () => {
    const gate = new TokenGate();
    const credentials = appCredentials(gate);
    const client = gatedClient(gate, credentials);
    const path = uniquePath("auth-catchup");
    const writer = await directClient().createStream(path, { contentType: "application/json" });
    await writer.appendJson("a");
    await writer.appendJson({ b: 2 });

    gate.expire();
    const res = await client.stream(path).read({ offset: Offset.beginning });
    expect(await res.json()).toEqual(["a", { b: 2 }]);

    expect(credentials.state.refreshes).toBe(1);
    expect(credentials.state.refreshedUrls.map((u) => new URL(u).pathname)).toEqual([path]);
    expect(sequence(gate, path)).toEqual([
      ["GET", null, 401],
      ["GET", null, 200],
    ]);
    // The header function was called again for the resend: old token, then the new one.
    const [refused, resent] = gate.forPath(path);
    expect(refused!.authorization).toBe("Bearer token-1");
    expect(resent!.authorization).toBe("Bearer token-2");
    expect(resent!.offset).toBe(refused!.offset);
  });

  it("a long-poll that meets an expired token refreshes and continues, nothing lost or repeated", async () => {
    const gate = new TokenGate();
    const path = uniquePath("auth-lp");
    const writer = await directClient().createStream(path, { contentType: "application/json" });
    // Appended while the reader is locked out: it must still arrive, once.
    const credentials = appCredentials(gate, {
      beforeRenew: async () => {
        await writer.appendJson("during-refresh");
      },
    });
    const client = gatedClient(gate, credentials);
    await writer.appendJson("before");

    const res = await client.stream(path).read({ live: "long-poll" });
    const items: unknown[] = [];
    const consuming = (async () => {
      for await (const batch of res.jsonBatches()) items.push(...batch.items);
    })();

    await waitFor(() => items.length === 1, 10_000, "the catch-up");
    await waitFor(() => liveOpen(gate, path, "long-poll"), 10_000, "a waiting long-poll");
    // The token expires while the reader is live. The poll already admitted still
    // delivers; the next one meets the 401.
    gate.expire();
    await writer.appendJson("while-expired");
    await waitFor(() => credentials.state.refreshes === 1, 10_000, "the refresh");
    const refusedAt = gate.forPath(path).findIndex((r) => r.status === 401);
    await waitFor(() => liveOpen(gate, path, "long-poll", refusedAt + 1), 10_000, "a poll again");
    await writer.appendJson("after-refresh");
    await waitFor(() => items.length === 4, 10_000, "all four messages");
    await writer.close();
    await consuming;

    expect(items).toEqual(["before", "while-expired", "during-refresh", "after-refresh"]);
    expect(res.closed).toBe(true);
    expect(credentials.state.refreshes).toBe(1);
    const requests = gate.forPath(path);
    const refused = gate.refused(path);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.live).toBe("long-poll");
    // The resend went out from the same offset, with the new token.
    const resent = requests[requests.indexOf(refused[0]!) + 1]!;
    expect(resent.live).toBe("long-poll");
    expect(resent.offset).toBe(refused[0]!.offset);
    expect(resent.authorization).toBe(`Bearer ${gate.token}`);
    // A handful of polls of 500 ms each, not a storm.
    expect(requests.length).toBeLessThan(20);
    console.log(`[auth] long-poll: ${requests.length} requests, 1 refused`);
  });

  it("an SSE reconnect that meets an expired token refreshes and resumes exactly", async () => {
    const gate = new TokenGate();
    const path = uniquePath("auth-sse");
    const writer = await directClient().createStream(path, { contentType: "application/json" });
    const credentials = appCredentials(gate, {
      beforeRenew: async () => {
        await writer.appendJson("during-refresh");
      },
    });
    const client = gatedClient(gate, credentials);
    await writer.appendJson("before");

    const res = await client.stream(path).read({ live: "sse" });
    const items: unknown[] = [];
    const consuming = (async () => {
      for await (const batch of res.jsonBatches()) items.push(...batch.items);
    })();

    await waitFor(() => items.length === 1 && liveOpen(gate, path, "sse"), 10_000, "SSE open");
    await writer.appendJson("over-sse");
    await waitFor(() => items.length === 2, 10_000, "delivery over SSE");
    const offsetBeforeReconnect = res.offset;
    // The token expires and the connection is rotated: the reconnect meets the 401.
    gate.expire();
    gate.endSseConnections();
    await waitFor(() => credentials.state.refreshes === 1, 10_000, "the refresh");
    const refusedAt = gate.forPath(path).findIndex((r) => r.status === 401);
    await waitFor(() => liveOpen(gate, path, "sse", refusedAt + 1), 10_000, "SSE again");
    await writer.appendJson("after-refresh");
    await waitFor(() => items.length === 4, 10_000, "all four messages");
    await writer.close();
    await consuming;

    expect(items).toEqual(["before", "over-sse", "during-refresh", "after-refresh"]);
    expect(credentials.state.refreshes).toBe(1);
    expect(sequence(gate, path)).toEqual([
      ["GET", null, 200],
      ["GET", "sse", 200],
      ["GET", "sse", 401],
      ["GET", "sse", 200],
    ]);
    const [, , refused, resent] = gate.forPath(path);
    expect(refused!.offset).toBe(offsetBeforeReconnect);
    expect(resent!.offset).toBe(offsetBeforeReconnect);
    expect(resent!.authorization).toBe(`Bearer ${gate.token}`);
  });

  it("append refused with 401 refreshes and appends exactly once", async () => {
    const gate = new TokenGate();
    const credentials = appCredentials(gate);
    const client = gatedClient(gate, credentials);
    const path = uniquePath("auth-append");
    await directClient().createStream(path, { contentType: "text/plain" });

    gate.expire();
    // The content type is given, so no HEAD goes first: the POST itself meets the 401.
    const result = await client.stream(path, { contentType: "text/plain" }).append("hello");
    expect(result.offset).not.toBe("");

    expect(credentials.state.refreshes).toBe(1);
    expect(sequence(gate, path)).toEqual([
      ["POST", null, 401],
      // The reference server answers a plain append with 204.
      ["POST", null, 204],
    ]);
    const readBack = await directClient().stream(path).read();
    expect(await readBack.text()).toBe("hello");
  });

  it("appendJson refused with 401 refreshes and appends exactly once", async () => {
    const gate = new TokenGate();
    const credentials = appCredentials(gate);
    const client = gatedClient(gate, credentials);
    const path = uniquePath("auth-append-json");
    await directClient().createStream(path, { contentType: "application/json" });

    gate.expire();
    await client.stream(path).appendJson({ n: 1 });

    expect(credentials.state.refreshes).toBe(1);
    expect(sequence(gate, path)).toEqual([
      ["POST", null, 401],
      // The reference server answers a plain append with 204.
      ["POST", null, 204],
    ]);
    const readBack = await directClient().stream(path).read();
    expect(await readBack.json()).toEqual([{ n: 1 }]);
  });

  it("a producer batch refused with 401 refreshes and is written exactly once", async () => {
    const gate = new TokenGate();
    const credentials = appCredentials(gate);
    const client = gatedClient(gate, credentials);
    const path = uniquePath("auth-producer");
    await directClient().createStream(path, { contentType: "text/plain" });
    const producer = new IdempotentProducer(
      client.stream(path, { contentType: "text/plain" }),
      "p1",
      { autoClaim: true },
    );
    const errors: unknown[] = [];
    producer.on("error", (error) => errors.push(error));

    gate.expire();
    producer.append("one;");
    producer.append("two;");
    producer.append("three;");
    await producer.flush();
    await producer.detach();

    expect(errors).toEqual([]);
    expect(credentials.state.refreshes).toBe(1);
    const requests = gate.forPath(path);
    expect(requests.every((r) => r.method === "POST")).toBe(true);
    expect(requests[0]!.status).toBe(401);
    expect(gate.refused(path)).toHaveLength(1);
    expect(requests.slice(1).every((r) => r.status === 200 || r.status === 204)).toBe(true);
    // One batch, or a few: every message once, in order.
    expect(requests.length).toBeLessThanOrEqual(4);
    const readBack = await directClient().stream(path).read();
    expect(await readBack.text()).toBe("one;two;three;");
  });

  it("the resend after a refresh spends no retry", async () => {
    const gate = new TokenGate();
    const credentials = appCredentials(gate);
    // One retry only: if the resend after the refresh spent it, the 503 below would be fatal.
    const client = gatedClient(gate, credentials, {
      retry: { maxRetries: 1, initialDelayMs: 5, maxDelayMs: 20 },
    });
    const path = uniquePath("auth-budget");
    const writer = await directClient().createStream(path, { contentType: "text/plain" });
    await writer.append("kept");
    // The refused request never reaches the server, so the fault meets the resend.
    await injectFault(server().url, path, { status: 503, count: 1, method: "GET" });

    gate.expire();
    const res = await client.stream(path).read();
    expect(await res.text()).toBe("kept");
    expect(sequence(gate, path)).toEqual([
      ["GET", null, 401],
      ["GET", null, 503],
      ["GET", null, 200],
    ]);
    expect(credentials.state.refreshes).toBe(1);
  });
});

describe("onUnauthorized: when refreshing does not help", () => {
  it("a second 401 is an UnauthorizedError after exactly two requests", async () => {
    const gate = new TokenGate();
    // The refresh runs but hands back the same, still expired, token.
    const credentials = appCredentials(gate, { renew: false });
    const client = gatedClient(gate, credentials);
    const path = uniquePath("auth-twice");
    await directClient().createStream(path, { contentType: "text/plain" });

    gate.expire();
    const error = await rejection(client.stream(path).read());
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error).toMatchObject({ code: "UNAUTHORIZED", status: 401 });
    expect(credentials.state.refreshes).toBe(1);
    expect(sequence(gate, path)).toEqual([
      ["GET", null, 401],
      ["GET", null, 401],
    ]);
  });

  it("without a hook a 401 is an UnauthorizedError after exactly one request", async () => {
    const gate = new TokenGate();
    const credentials = appCredentials(gate);
    const client = testClient(server(), { fetch: gate.fetch, headers: credentials.headers });
    const path = uniquePath("auth-nohook");
    await directClient().createStream(path, { contentType: "text/plain" });

    gate.expire();
    const error = await rejection(client.stream(path, { contentType: "text/plain" }).append("x"));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error).toMatchObject({ code: "UNAUTHORIZED", status: 401 });
    expect(sequence(gate, path)).toEqual([["POST", null, 401]]);
    // Nothing was written.
    const readBack = await directClient().stream(path).read();
    expect(await readBack.text()).toBe("");
  });

  it("three requests refused together share one refresh", async () => {
    const gate = new TokenGate();
    // A refresh that takes a while, so all three 401s arrive while it runs.
    const credentials = appCredentials(gate, { beforeRenew: () => delay(150) });
    const client = gatedClient(gate, credentials);
    const path = uniquePath("auth-burst");
    const writer = await directClient().createStream(path, { contentType: "text/plain" });
    await writer.append("x");
    const stream = client.stream(path, { contentType: "text/plain" });

    gate.expire();
    const [head, appended, text] = await Promise.all([
      stream.head(),
      stream.append("y"),
      stream.read().then((res) => res.text()),
    ]);
    expect(head.contentType).toMatch(/^text\/plain/);
    expect(appended.offset).not.toBe("");
    // The read may have been answered before or after the append landed.
    expect(["x", "xy"]).toContain(text);

    expect(credentials.state.refreshes).toBe(1);
    const requests = gate.forPath(path);
    expect(requests).toHaveLength(6);
    expect(gate.refused(path)).toHaveLength(3);
    expect(requests.slice(0, 3).every((r) => r.status === 401)).toBe(true);
    // HEAD and GET answer 200, the append 204.
    expect(requests.slice(3).map((r) => [r.method, r.status])).toEqual(
      expect.arrayContaining([
        ["HEAD", 200],
        ["POST", 204],
        ["GET", 200],
      ]),
    );
  });

  it("a hook that throws gives an UnauthorizedError caused by the hook's error", async () => {
    const gate = new TokenGate();
    const tokenEndpointDown = new Error("token endpoint unreachable");
    const credentials = appCredentials(gate, {
      beforeRenew: () => Promise.reject(tokenEndpointDown),
    });
    const client = gatedClient(gate, credentials);
    const path = uniquePath("auth-throws");
    await directClient().createStream(path, { contentType: "application/json" });

    gate.expire();
    const error = await rejection(client.stream(path).appendJson("x"));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error).toMatchObject({ code: "UNAUTHORIZED", status: 401 });
    expect((error as UnauthorizedError).cause).toBe(tokenEndpointDown);
    expect(credentials.state.refreshes).toBe(1);
    // The hook failed, so nothing was sent again.
    expect(sequence(gate, path)).toEqual([["POST", null, 401]]);
  });
});
