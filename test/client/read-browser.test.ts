// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DurableStreamClientOptions } from "../../src/client/index.js";
import { resetPlainHttpWarnings } from "../../src/client/http-warning.js";
import { delay, trackingFetch, waitFor } from "../support/read-helpers.js";
import { testClient, uniquePath, sharedTestServer } from "../support/server.js";

const server = sharedTestServer();
const otherServer = sharedTestServer();

/** The page's visibility; the real jsdom `document` reports it. */
let visibility: DocumentVisibilityState = "visible";

function setVisibility(state: DocumentVisibilityState): void {
  visibility = state;
  document.dispatchEvent(new Event("visibilitychange"));
}

beforeEach(() => {
  visibility = "visible";
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => visibility });
  Object.defineProperty(document, "hidden", {
    configurable: true,
    get: () => visibility === "hidden",
  });
  resetPlainHttpWarnings();
});

afterEach(() => {
  vi.restoreAllMocks();
});

function setup(options: DurableStreamClientOptions = {}) {
  const tracked = trackingFetch();
  const client = testClient(server(), { fetch: tracked.fetch, warnOnHttp: false, ...options });
  return { tracked, client };
}

function liveWaiting(tracked: ReturnType<typeof trackingFetch>): boolean {
  const last = tracked.reads().at(-1);
  if (last?.live === "sse") return last.response !== undefined;
  return last?.live === "long-poll" && last.response === undefined;
}

describe("in a browser", () => {
  it("pauses long-polls while the page is hidden and catches up without loss when shown", async () => {
    const { tracked, client } = setup();
    const stream = client.stream(uniquePath("hidden"));
    await stream.create({ contentType: "text/plain" });
    await stream.append("a");
    const pauses: boolean[] = [];
    const res = await stream.read({ live: "long-poll" }, { onPause: (p) => void pauses.push(p) });
    const texts: string[] = [];
    const iterating = (async () => {
      for await (const chunk of res.textChunks()) if (chunk.text) texts.push(chunk.text);
    })();
    await waitFor(() => liveWaiting(tracked) && texts.length === 1, 10_000, "a long-poll");
    const polling = tracked.reads().at(-1)!;

    setVisibility("hidden");
    await waitFor(() => polling.signal?.aborted === true, 5_000, "the poll to be aborted");
    const whileHidden = tracked.requests.length;
    await stream.append("b");
    await stream.append("c");
    await delay(700); // more than a long-poll timeout
    expect(tracked.requests.length - whileHidden).toBe(2); // the two appends, no read
    expect(texts).toEqual(["a"]);
    expect(pauses).toEqual([true]);

    setVisibility("visible");
    await waitFor(() => texts.join("") === "abc", 10_000, "the catch-up");
    const resumed = tracked.reads().filter((r) => tracked.requests.indexOf(r) >= whileHidden);
    expect(resumed[0]!.live).toBeNull(); // one plain GET picks up what arrived meanwhile
    expect(resumed[0]!.offset).toBe(polling.offset);
    await waitFor(() => liveWaiting(tracked), 10_000, "long-polling again");
    expect(pauses).toEqual([true, false]);
    await stream.close();
    await iterating;
    expect(texts.join("")).toBe("abc");
  });

  it("hidden between two long-polls, it waits and catches up with a plain GET when shown", async () => {
    const { tracked, client } = setup();
    const stream = client.stream(uniquePath("hidden-between"));
    await stream.create({ contentType: "text/plain" });
    await stream.append("a");
    const pauses: boolean[] = [];
    const res = await stream.read({ live: "long-poll" }, { onPause: (p) => void pauses.push(p) });
    const texts: string[] = [];
    const iterating = (async () => {
      for await (const chunk of res.textChunks()) {
        if (chunk.text) texts.push(chunk.text);
        // Hidden while the read holds no request: after this answer, before the next poll.
        if (chunk.text === "b") setVisibility("hidden");
      }
    })();
    await waitFor(() => liveWaiting(tracked) && texts.length === 1, 10_000, "a long-poll");
    await stream.append("b");
    await waitFor(() => texts.join("") === "ab" && pauses.length === 1, 10_000, "b, then a pause");
    const pausedAt = res.offset;
    const whileHidden = tracked.requests.length;
    await stream.append("c");
    await delay(700); // more than a long-poll timeout
    expect(tracked.requests.length - whileHidden).toBe(1); // the append, no read
    expect(pauses).toEqual([true]);

    setVisibility("visible");
    await waitFor(() => texts.join("") === "abc", 10_000, "the catch-up");
    const resumed = tracked.reads().filter((r) => tracked.requests.indexOf(r) >= whileHidden);
    expect(resumed[0]!.live).toBeNull();
    expect(resumed[0]!.offset).toBe(pausedAt);
    expect(pauses).toEqual([true, false]);
    await stream.close();
    await iterating;
    expect(texts.join("")).toBe("abc");
  });

  it("keeps long-polling while hidden with pauseWhenHidden: false", async () => {
    const { tracked, client } = setup();
    const stream = client.stream(uniquePath("opt-out"));
    await stream.create({ contentType: "application/json" });
    await stream.appendJson(1);
    const res = await stream.read({ live: "long-poll", pauseWhenHidden: false });
    const items: unknown[] = [];
    const iterating = (async () => {
      for await (const item of res.jsonItems()) items.push(item);
    })();
    await waitFor(() => liveWaiting(tracked) && items.length === 1, 10_000, "a long-poll");
    const polling = tracked.reads().at(-1)!;
    setVisibility("hidden");
    await delay(100);
    expect(polling.signal?.aborted).toBe(false);
    await stream.appendJson(2);
    await waitFor(() => items.length === 2, 10_000, "delivery while hidden");
    expect(visibility).toBe("hidden");
    expect(
      tracked
        .reads()
        .slice(1)
        .every((r) => r.live === "long-poll"),
    ).toBe(true);
    await stream.close();
    await iterating;
    expect(items).toEqual([1, 2]);
  });

  it("closes the SSE connection while hidden and reconnects from its offset when shown", async () => {
    const { tracked, client } = setup();
    const stream = client.stream(uniquePath("sse-hidden"));
    await stream.create({ contentType: "application/json" });
    await stream.appendJson("a");
    const res = await stream.read({ live: "sse" });
    const items: unknown[] = [];
    const iterating = (async () => {
      for await (const item of res.jsonItems()) items.push(item);
    })();
    await waitFor(() => liveWaiting(tracked) && items.length === 1, 10_000, "an SSE connection");
    const connection = tracked.reads().at(-1)!;
    setVisibility("hidden");
    await waitFor(() => connection.signal?.aborted === true, 5_000, "the connection to close");
    const whileHidden = tracked.requests.length;
    await stream.appendJson("b");
    await delay(300);
    expect(items).toEqual(["a"]);
    expect(tracked.requests.length - whileHidden).toBe(1); // the append only
    setVisibility("visible");
    await waitFor(() => items.length === 2, 10_000, "the catch-up");
    const reconnect = tracked.reads().at(-1)!;
    expect(reconnect.live).toBe("sse");
    expect(reconnect.offset).toBe(connection.offset);
    await stream.close();
    await iterating;
    expect(items).toEqual(["a", "b"]);
  });

  it("cancel() while hidden ends the iteration instead of waiting for the page", async () => {
    const { client } = setup();
    const stream = client.stream(uniquePath("cancel-hidden"));
    await stream.create({ contentType: "text/plain" });
    await stream.append("a");
    const res = await stream.read({ live: "long-poll" });
    const iterating = (async () => {
      for await (const chunk of res.textChunks()) {
        // The tab goes to the background and the app stops the read in the same turn.
        setVisibility("hidden");
        res.cancel();
        void chunk;
      }
    })();
    const outcome = await Promise.race([
      iterating.then(() => "ended"),
      delay(5_000).then(() => "still waiting"),
    ]);
    expect(outcome).toBe("ended");
  });

  it("warns once per origin about plain HTTP, and not when disabled", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const read = async (url: string, options: DurableStreamClientOptions = {}) => {
      const client = testClient(server(), { warnOnHttp: true, ...options });
      const stream = client.stream(url);
      await stream.create({ contentType: "text/plain" });
      await stream.append("x");
      expect(await (await stream.read()).text()).toBe("x");
    };
    await read(`${server().url}${uniquePath("w1")}`);
    await read(`${server().url}${uniquePath("w2")}`);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toContain(new URL(server().url).origin);

    await read(`${otherServer().url}${uniquePath("w3")}`);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(String(warn.mock.calls[1]![0])).toContain(new URL(otherServer().url).origin);

    await read(`${otherServer().url}${uniquePath("w4")}`, { warnOnHttp: false });
    resetPlainHttpWarnings();
    await read(`${server().url}${uniquePath("w5")}`, { warnOnHttp: false });
    expect(warn).toHaveBeenCalledTimes(2);
    await read(`${server().url}${uniquePath("w6")}`);
    expect(warn).toHaveBeenCalledTimes(3);
  });
});
