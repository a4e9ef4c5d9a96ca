/**
 * The live-request budget: its decisions as tables, then five live reads on
 * one client capped at two open at once, against the real reference server
 * (the protocol is given, since Node has no Resource Timing of its own
 * requests to read it from).
 */
import { afterEach, describe, expect, it } from "vitest";
import { capFor, liveBudget, slotDecision } from "../../src/client/live-budget.js";
import type { FetchFunction } from "../../src/client/index.js";
import { delay, waitFor } from "../support/read-helpers.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";

const server = sharedTestServer({ longPollTimeout: 2000 });

describe("slotDecision", () => {
  const a = {};
  const b = {};
  const c = {};
  it.each([
    { name: "no cap", cap: undefined, open: 99, queue: [], reader: a, want: "take" },
    { name: "room, nobody waits", cap: 4, open: 3, queue: [], reader: a, want: "take" },
    { name: "full", cap: 4, open: 4, queue: [], reader: a, want: "wait" },
    { name: "over (cap lowered)", cap: 2, open: 3, queue: [], reader: a, want: "wait" },
    { name: "room, but others waited first", cap: 4, open: 3, queue: [b], reader: a, want: "wait" },
    { name: "room for the first waiter", cap: 4, open: 3, queue: [a, b], reader: a, want: "take" },
    {
      name: "the second waiter, one free slot",
      cap: 4,
      open: 3,
      queue: [a, b],
      reader: b,
      want: "wait",
    },
    {
      name: "the second waiter, two free slots",
      cap: 4,
      open: 2,
      queue: [a, b],
      reader: b,
      want: "take",
    },
    {
      name: "a newcomer behind two, three free",
      cap: 4,
      open: 1,
      queue: [a, b],
      reader: c,
      want: "take",
    },
    {
      name: "a newcomer behind two, two free",
      cap: 4,
      open: 2,
      queue: [a, b],
      reader: c,
      want: "wait",
    },
  ] as const)("$name: $want", ({ cap, open, queue, reader, want }) => {
    expect(slotDecision(cap, open, queue, reader)).toBe(want);
  });
});

describe("capFor", () => {
  it.each([
    { protocol: "http/1.1", inBrowser: true, want: 4 },
    { protocol: "http/1.0", inBrowser: false, want: 4 },
    { protocol: "h2", inBrowser: true, want: undefined },
    { protocol: "h3", inBrowser: true, want: undefined },
    { protocol: "h3-29", inBrowser: true, want: undefined },
    { protocol: "", inBrowser: true, want: 4 },
    { protocol: "", inBrowser: false, want: undefined },
  ])("$protocol (browser: $inBrowser): $want", ({ protocol, inBrowser, want }) => {
    expect(capFor(protocol, 4, inBrowser)).toBe(want);
  });
});

describe("liveBudget", () => {
  it("reads the protocol from the latest Resource Timing entry of the origin", () => {
    const entries = [
      { name: "https://a.example/x", nextHopProtocol: "h2" },
      { name: "https://b.example/y", nextHopProtocol: "http/1.1" },
    ];
    const budget = liveBudget({ max: 1 }, () => entries)!;
    const h2 = [budget.take("https://a.example/s", {}), budget.take("https://a.example/s", {})];
    expect(h2.every((slot) => slot !== undefined)).toBe(true);
    const first = budget.take("https://b.example/s", {});
    expect(first).toBeDefined();
    const waiter = {};
    expect(budget.take("https://b.example/s", waiter)).toBeUndefined();
    first!.release();
    first!.release(); // twice is once
    expect(budget.take("https://b.example/s", {})).toBeUndefined(); // the waiter's turn
    expect(budget.take("https://b.example/s", waiter)).toBeDefined();
  });

  it("a reader that leaves gives up its place in the queue", () => {
    const budget = liveBudget({ max: 1, protocol: "http/1.1" })!;
    const slot = budget.take("http://h/s", {})!;
    const gone = {};
    expect(budget.take("http://h/s", gone)).toBeUndefined();
    budget.leave("http://h/s", gone);
    slot.release();
    expect(budget.take("http://h/s", {})).toBeDefined();
  });

  it("jitters the short-poll wait around its setting", () => {
    const budget = liveBudget({ shortPollMs: 1000 })!;
    expect(budget.shortPollDelay(() => 0)).toBe(750);
    expect(budget.shortPollDelay(() => 1)).toBe(1250);
  });

  it("is off with false", () => {
    expect(liveBudget(false)).toBeUndefined();
  });
});

describe("five live reads on a budget of two", () => {
  const stops: Array<() => void> = [];
  afterEach(() => {
    for (const stop of stops.splice(0)) stop();
  });

  it("never holds more than two live requests; every read gets every message; short polls stay paced", async () => {
    let open = 0;
    let peak = 0;
    let shortPolls = 0;
    const counting: FetchFunction = async (input, init) => {
      const url = new URL(input);
      const live = url.searchParams.has("live");
      if (!live && url.searchParams.get("offset") !== "-1") shortPolls++;
      if (live) peak = Math.max(peak, ++open);
      try {
        const response = await fetch(input, init);
        // A long-poll's body is its answer: the request is done once it is read.
        const body = await response.arrayBuffer();
        return new Response(body, { status: response.status, headers: response.headers });
      } finally {
        if (live) open--;
      }
    };
    const client = testClient(server(), {
      fetch: counting,
      warnOnHttp: false,
      liveBudget: { max: 2, protocol: "http/1.1", shortPollMs: 50 },
    });
    const writer = testClient(server(), { warnOnHttp: false });
    const urls = Array.from({ length: 5 }, () => uniquePath("budget"));
    for (const url of urls) await writer.stream(url).create({ contentType: "application/json" });
    const received = urls.map(() => [] as unknown[]);
    const startedAt = Date.now();
    for (const [i, url] of urls.entries()) {
      const controller = new AbortController();
      stops.push(() => controller.abort());
      const response = await client
        .stream(url)
        .read({ live: "long-poll", signal: controller.signal });
      void (async () => {
        try {
          for await (const batch of response.jsonBatches()) received[i]!.push(...batch.items);
        } catch {
          // aborted at the end of the test
        }
      })();
    }
    for (let n = 0; n < 5; n++) {
      for (const url of urls) await writer.stream(url).appendJson(n);
      await delay(100);
    }
    await waitFor(() => received.every((items) => items.length === 5), 10_000, "every message");
    const elapsed = Date.now() - startedAt;
    for (const items of received) expect(items).toEqual([0, 1, 2, 3, 4]);
    expect(peak).toBe(2);
    // Three reads without a slot poll at most once per 37.5 ms (50 ms, jittered down by 25%).
    expect(shortPolls).toBeLessThanOrEqual(Math.ceil((3 * elapsed) / 37.5) + 10);
    expect(shortPolls).toBeGreaterThan(0);
  });
});
