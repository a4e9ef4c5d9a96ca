/**
 * Cross-tab sharing against the real reference server: each "tab" is its
 * own StreamsRuntime and client; Web Locks are FakeLocks (Node has none),
 * messages go over Node's real BroadcastChannel. The same behaviour in
 * real Chromium tabs: e2e/cross-tab.spec.ts.
 */
import { afterEach, describe, expect, it } from "vitest";
import { memoryCheckpoints } from "../../src/sync/checkpoint-store.js";
import { StreamsRuntime, type ViewShape } from "../../src/sync/runtime.js";
import type { StreamObserver } from "../../src/sync/observer.js";
import { fakeTab, FakeLocks, type FakeTab } from "../support/fake-tabs.js";
import { delay, waitFor } from "../support/read-helpers.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";
import { trackingFetch, type TrackingFetch } from "../support/tracking-fetch.js";

const server = sharedTestServer({ longPollTimeout: 300 });
const runtimes: StreamsRuntime[] = [];

afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.dispose();
});

const shape: ViewShape<unknown, unknown> = {
  as: "json",
  live: "long-poll",
  version: "1",
  pauseWhenHidden: false,
};

interface Tab {
  readonly fake: FakeTab | undefined;
  readonly runtime: StreamsRuntime;
  readonly observer: StreamObserver<unknown, unknown>;
  readonly tracker: TrackingFetch;
  state(): unknown;
  close(): Promise<void>;
}

async function openTab(
  url: string,
  locks: FakeLocks,
  options: { tracker?: TrackingFetch; crossTab?: boolean; visible?: boolean } = {},
): Promise<Tab> {
  const tracker = options.tracker ?? trackingFetch();
  const client = testClient(server(), { fetch: tracker.fetch, warnOnHttp: false });
  const fake = options.crossTab === false ? undefined : fakeTab(locks, options.visible ?? true);
  const runtime = new StreamsRuntime({
    client,
    gracePeriodMs: 50,
    throttle: false,
    crossTab: fake ? fake.env : false,
  });
  runtimes.push(runtime);
  const observer = runtime.observe(url, shape);
  const unsubscribe = observer.subscribe(() => {});
  return {
    fake,
    runtime,
    observer,
    tracker,
    state: () => observer.getSnapshot().state,
    async close() {
      unsubscribe();
      runtimes.splice(runtimes.indexOf(runtime), 1);
      await runtime.dispose();
    },
  };
}

/** `count` tabs on `url`, opened one after the other. */
async function openTabs(
  count: number,
  url: string,
  locks: FakeLocks,
  options: Parameters<typeof openTab>[2] = {},
): Promise<Tab[]> {
  const tabs: Tab[] = [];
  for (let i = 0; i < count; i++) tabs.push(await openTab(url, locks, options));
  return tabs;
}

async function newStream(
  messages: number,
): Promise<{ url: string; append: (n: number) => Promise<void>; all: () => number[] }> {
  const client = testClient(server(), { warnOnHttp: false });
  const url = uniquePath("cross-tab");
  const stream = client.stream(url);
  await stream.create({ contentType: "application/json" });
  let next = 0;
  const append = async (n: number) => {
    for (let i = 0; i < n; i++) await stream.appendJson(next++);
  };
  await append(messages);
  return { url, append, all: () => Array.from({ length: next }, (_, i) => i) };
}

const liveRequests = (tracker: TrackingFetch, url: string) =>
  tracker.forPath(url).filter((r) => r.live);

async function allShow(tabs: readonly Tab[], expected: () => unknown[], what: string) {
  await waitFor(
    () => tabs.every((tab) => JSON.stringify(tab.state()) === JSON.stringify(expected())),
    10_000,
    what,
  );
  for (const tab of tabs) expect(tab.state()).toEqual(expected());
}

describe("cross-tab sharing", () => {
  it("three tabs: one live request at a time in all, every tab shows the stream exactly", async () => {
    const { url, append, all } = await newStream(5);
    const locks = new FakeLocks();
    const tracker = trackingFetch();
    const tabs = await openTabs(3, url, locks, { tracker });
    await allShow(tabs, all, "the first 5 in every tab");
    await append(20);
    await allShow(tabs, all, "25 in every tab");
    for (const tab of tabs) expect(tab.observer.getSnapshot().status).toBe("live");
    expect(tracker.maxConcurrentLive(url)).toBe(1);
    const leader = locks.holderOf(url);
    expect(tabs.filter((tab) => tab.fake!.id === leader)).toHaveLength(1);
  });

  it("the leader closes mid-stream: another tab takes over, nothing lost or twice", async () => {
    const { url, append, all } = await newStream(3);
    const locks = new FakeLocks();
    const tracker = trackingFetch();
    const tabs = await openTabs(3, url, locks, { tracker });
    await allShow(tabs, all, "3 in every tab");
    const leaderId = locks.holderOf(url);
    const leader = tabs.find((tab) => tab.fake!.id === leaderId)!;
    const rest = tabs.filter((tab) => tab !== leader);
    const appending = append(30);
    await delay(20);
    await leader.close();
    await appending;
    await allShow(rest, all, "33 in the remaining tabs");
    expect(locks.holderOf(url)).not.toBe(leaderId);
    expect(tracker.maxConcurrentLive(url)).toBe(1);
  });

  it("the leader crashes (no goodbye): the next tab leads within about a second", async () => {
    const { url, append, all } = await newStream(2);
    const locks = new FakeLocks();
    const tracker = trackingFetch();
    const tabs = await openTabs(2, url, locks, { tracker });
    await allShow(tabs, all, "2 in both");
    const leader = tabs.find((tab) => tab.fake!.id === locks.holderOf(url))!;
    const follower = tabs.find((tab) => tab !== leader)!;
    leader.fake!.crash();
    await leader.close();
    const crashedAt = Date.now();
    await waitFor(() => locks.holderOf(url) === follower.fake!.id, 2000, "the follower leads");
    expect(Date.now() - crashedAt).toBeLessThan(1500);
    await append(10);
    await allShow([follower], all, "12 in the follower");
  });

  it("a tab opened late shows the same state without a live request of its own", async () => {
    const { url, append, all } = await newStream(4);
    const locks = new FakeLocks();
    const first = await openTab(url, locks);
    await allShow([first], all, "4 in the first tab");
    await append(6);
    const lateTracker = trackingFetch();
    const late = await openTab(url, locks, { tracker: lateTracker });
    await allShow([first, late], all, "10 in both");
    await append(5);
    await allShow([first, late], all, "15 in both");
    expect(liveRequests(lateTracker, url)).toHaveLength(0);
    // It caught up with plain (cacheable) reads.
    expect(lateTracker.catchUps(url).length).toBeGreaterThan(0);
  });

  it("a hidden leader hands over to a visible tab; the view goes on exactly", async () => {
    const { url, append, all } = await newStream(2);
    const locks = new FakeLocks();
    const tracker = trackingFetch();
    const a = await openTab(url, locks, { tracker });
    await allShow([a], all, "2 in a");
    const b = await openTab(url, locks, { tracker });
    await allShow([a, b], all, "2 in both");
    expect(locks.holderOf(url)).toBe(a.fake!.id);
    a.fake!.setVisible(false);
    await waitFor(() => locks.holderOf(url) === b.fake!.id, 2000, "b leads");
    await append(8);
    await allShow([a, b], all, "10 in both");
  });

  it("a frozen leader lets go; it follows once it runs again", async () => {
    const { url, append, all } = await newStream(1);
    const locks = new FakeLocks();
    const a = await openTab(url, locks);
    await allShow([a], all, "1 in a");
    const b = await openTab(url, locks);
    await allShow([a, b], all, "1 in both");
    a.fake!.setFrozen(true);
    await waitFor(() => locks.holderOf(url) === b.fake!.id, 2000, "b leads");
    a.fake!.setFrozen(false);
    await append(4);
    await allShow([a, b], all, "5 in both");
    expect(locks.holderOf(url)).toBe(b.fake!.id);
  });

  it("retry() in a following tab reaches the leading tab's session", async () => {
    const { url, all } = await newStream(1);
    const locks = new FakeLocks();
    const a = await openTab(url, locks);
    const b = await openTab(url, locks);
    await allShow([a, b], all, "1 in both");
    const leader = [a, b].find((tab) => tab.fake!.id === locks.holderOf(url))!;
    const follower = leader === a ? b : a;
    const session = leader.runtime.sessions.list()[0]!.value;
    let retries = 0;
    const retry = session.retry.bind(session);
    session.retry = () => {
      retries++;
      retry();
    };
    follower.observer.retry();
    await waitFor(() => retries === 1, 2000, "the leader's retry");
  });

  it("crossTab off: every tab reads live on its own", async () => {
    const { url, append, all } = await newStream(2);
    const locks = new FakeLocks();
    const tracker = trackingFetch();
    const tabs = await openTabs(2, url, locks, { tracker, crossTab: false });
    await allShow(tabs, all, "2 in both");
    await append(3);
    await allShow(tabs, all, "5 in both");
    await waitFor(
      () => tracker.maxConcurrentLive(url) === 2,
      5000,
      "two live requests open at once",
    );
    expect(locks.grants).toHaveLength(0);
  });

  it("only the leading tab writes the checkpoint", async () => {
    const { url, all } = await newStream(3);
    const locks = new FakeLocks();
    const persisted = { ...shape, persist: "shared" };
    const writes: string[] = [];
    const open = async () => {
      const fake = fakeTab(locks);
      const client = testClient(server(), { warnOnHttp: false });
      const store = memoryCheckpoints();
      const runtime = new StreamsRuntime({
        client,
        gracePeriodMs: 50,
        throttle: false,
        checkpointIntervalMs: 10,
        crossTab: fake.env,
        checkpoints: {
          ...store,
          put: async (key, record, options) => {
            writes.push(fake.id);
            await store.put(key, record, options);
          },
        },
      });
      runtimes.push(runtime);
      const observer = runtime.observe(url, persisted);
      observer.subscribe(() => {});
      return { fake, observer };
    };
    const a = await open();
    const b = await open();
    await waitFor(
      () =>
        [a, b].every(
          (t) => JSON.stringify(t.observer.getSnapshot().state) === JSON.stringify(all()),
        ),
      10_000,
      "3 in both",
    );
    await delay(100);
    expect(writes.length).toBeGreaterThan(0);
    expect(new Set(writes)).toEqual(new Set([locks.holderOf(url)]));
  });
});
