import { describe, expect, it } from "vitest";
import { NetworkError, type FetchFunction } from "../../src/client/index.js";
import type { RetryInfo } from "../../src/client/http.js";
import { fakeNetwork, offlineAwareFetch } from "../support/fake-network.js";
import { delay, followItems as follow, trackingFetch, waitFor } from "../support/read-helpers.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";

// A long long-poll timeout: a request restarted early is the client's doing, not the server's.
const server = sharedTestServer({ longPollTimeout: 20_000 });

describe("network awareness", () => {
  it("stops an open long-poll when the host goes offline, sends nothing while offline, and reconnects the moment it is back", async () => {
    const network = fakeNetwork();
    const tracked = trackingFetch();
    // Backoff waits of up to 10 s: a reconnect that came from the timer would be far too late.
    const client = testClient(server(), {
      fetch: offlineAwareFetch(network, tracked.fetch),
      network,
      warnOnHttp: false,
      retry: { maxRetries: 3, initialDelayMs: 10_000, maxDelayMs: 10_000 },
    });
    const url = uniquePath("offline");
    const stream = client.stream(url);
    await stream.create({ contentType: "application/json" });
    await stream.appendJson({ n: 1 });
    const retries: RetryInfo[] = [];
    const controller = new AbortController();
    const res = await stream.read(
      { live: "long-poll", signal: controller.signal },
      { onRetry: (info) => void retries.push(info) },
    );
    const seen: unknown[] = [];
    const reading = follow(res.jsonBatches(), seen);
    await waitFor(() => seen.length === 1 && tracked.reads().at(-1)?.live === "long-poll");
    const openPoll = tracked.reads().at(-1)!;

    network.set(false);
    await waitFor(() => openPoll.signal?.aborted === true, 5_000, "the long-poll to be aborted");
    const sentWhenOffline = tracked.requests.length;
    await delay(1_000);
    // Offline: the read waits for the network rather than trying (and failing) on a timer.
    expect(tracked.requests.length).toBe(sentWhenOffline);
    expect(retries.some((info) => info.offline === true)).toBe(true);

    await testClient(server()).stream(url).appendJson({ n: 2 });
    const backAt = Date.now();
    network.set(true);
    await waitFor(() => seen.length === 2, 5_000, "the message appended while offline");
    // Far sooner than any backoff of this client (10 s bounds).
    expect(Date.now() - backAt).toBeLessThan(5_000);
    expect(seen).toEqual([{ n: 1 }, { n: 2 }]);
    controller.abort();
    await reading;
  });

  it("a request made while offline waits for the network instead of failing or spending its retries", async () => {
    const network = fakeNetwork();
    const tracked = trackingFetch();
    const client = testClient(server(), {
      fetch: offlineAwareFetch(network, tracked.fetch),
      network,
      warnOnHttp: false,
      retry: { maxRetries: 1, initialDelayMs: 10, maxDelayMs: 10 },
    });
    const url = uniquePath("offline-head");
    await testClient(server()).stream(url).create({ contentType: "text/plain" });
    network.set(false);
    const head = client.stream(url).head();
    await delay(500);
    // One retry allowed at 10 ms: without waiting for the network it would have failed by now.
    let settled = false;
    void head.then(
      () => (settled = true),
      () => (settled = true),
    );
    await delay(0);
    expect(settled).toBe(false);
    network.set(true);
    const result = await head;
    expect(result.contentType).toBe("text/plain");
  });

  it("a backoff wait ends when the network returns", async () => {
    const network = fakeNetwork();
    let failNext = 1;
    const inner: FetchFunction = (input, init) => {
      if (failNext-- > 0) return Promise.reject(new TypeError("fetch failed"));
      return fetch(input, init);
    };
    // The first attempt fails while the host still believes it is online (a captive portal,
    // a dropped Wi-Fi not yet noticed); the backoff is 10 s.
    const client = testClient(server(), {
      fetch: inner,
      network,
      warnOnHttp: false,
      retry: { maxRetries: 1, initialDelayMs: 10_000, maxDelayMs: 10_000 },
    });
    const url = uniquePath("online-wakes-backoff");
    await testClient(server()).stream(url).create({ contentType: "text/plain" });
    const retries: RetryInfo[] = [];
    const started = Date.now();
    const reading = client
      .stream(url)
      .read({ live: "off" }, { onRetry: (info) => void retries.push(info) });
    await waitFor(() => retries.length === 1, 5_000, "the first retry wait");
    network.set(false);
    network.set(true);
    const res = await reading;
    expect(await res.text()).toBe("");
    expect(retries[0]!.error).toBeInstanceOf(NetworkError);
    expect(Date.now() - started).toBeLessThan(retries[0]!.delayMs);
  });

  it("restarts an open long-poll at once after the host slept", async () => {
    const tracked = trackingFetch();
    const client = testClient(server(), { fetch: tracked.fetch, warnOnHttp: false });
    const url = uniquePath("slept");
    const stream = client.stream(url);
    await stream.create({ contentType: "application/json" });
    // A clock the test can move: a jump of a minute between two ticks is a sleep.
    let skew = 0;
    const controller = new AbortController();
    const res = await stream.read({
      live: "long-poll",
      signal: controller.signal,
      sleepDetection: { intervalMs: 20, lateMs: 1_000, now: () => Date.now() + skew },
    });
    const seen: unknown[] = [];
    const reading = follow(res.jsonBatches(), seen);
    await waitFor(() => tracked.reads().at(-1)?.live === "long-poll");
    const beforeSleep = tracked.reads().at(-1)!;
    await delay(200);
    expect(beforeSleep.signal?.aborted).toBe(false);

    skew += 60_000;
    await waitFor(() => beforeSleep.signal?.aborted === true, 5_000, "the old poll to be dropped");
    // Resumed at once: a catch-up GET, then a new long-poll (the server's timeout is 20 s).
    await waitFor(() => tracked.reads().filter((r) => r.live === "long-poll").length === 2);
    await stream.appendJson({ n: 1 });
    await waitFor(() => seen.length === 1, 5_000, "data after the wake");
    expect(seen).toEqual([{ n: 1 }]);
    controller.abort();
    await reading;
  });
});
