import { afterEach, describe, expect, it } from "vitest";
import { StreamsRuntime, type ViewShape } from "../../src/sync/runtime.js";
import { TextLog } from "../../src/sync/text-log.js";
import type { StreamObserver } from "../../src/sync/observer.js";
import { delay } from "../support/read-helpers.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";
import { trackingFetch } from "../support/tracking-fetch.js";

const server = sharedTestServer();
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

async function setup(gracePeriodMs = 200) {
  const tracker = trackingFetch();
  const client = testClient(server(), { fetch: tracker.fetch, warnOnHttp: false });
  const runtime = new StreamsRuntime({ client, gracePeriodMs, throttle: false });
  runtimes.push(runtime);
  const url = uniquePath("observer");
  await client.stream(url).create({ contentType: "application/json" });
  await client.stream(url).appendJson("first");
  tracker.requests.length = 0;
  return { tracker, runtime, url };
}

/** Resolves once the observer's snapshot passes `check`, heard through its own subscribe. */
function until(observer: StreamObserver<unknown, unknown>, check: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const unsubscribe = observer.subscribe(() => {
      if (!check()) return;
      unsubscribe();
      resolve();
    });
  });
}

describe("runtime.observe", () => {
  it("does no I/O and holds nothing until subscribed; the snapshot is the initial one", async () => {
    const { tracker, runtime, url } = await setup();
    const observer = runtime.observe(url, shape);
    const snapshot = observer.getSnapshot();
    expect(snapshot).toBe(observer.getSnapshot());
    expect(snapshot).toBe(observer.getServerSnapshot());
    expect(snapshot).toMatchObject({ status: "idle", state: [], offset: undefined });
    observer.retry();
    expect(observer.textLog(() => new TextLog())).toBeUndefined();
    await delay(50);
    expect(runtime.sessions.list()).toHaveLength(0);
    expect(tracker.requests).toHaveLength(0);
  });

  it("subscribe, unsubscribe, subscribe (StrictMode) opens one session, released after the grace period", async () => {
    const { tracker, runtime, url } = await setup();
    const observer = runtime.observe(url, shape);
    observer.subscribe(() => {})();
    const unsubscribe = observer.subscribe(() => {});
    expect(runtime.sessions.list().map(({ key, refs }) => ({ key, refs }))).toEqual([
      { key: observer.key, refs: 1 },
    ]);
    await until(observer, () => observer.getSnapshot().status === "live");
    expect(observer.getSnapshot().state).toEqual(["first"]);
    expect(tracker.catchUps(url)).toHaveLength(1);

    unsubscribe();
    expect(runtime.sessions.refs(observer.key)).toBe(0);
    await delay(400);
    expect(runtime.sessions.list()).toHaveLength(0);
    // Without a session the observer shows its initial snapshot again.
    expect(observer.getSnapshot()).toBe(observer.getServerSnapshot());
  });

  it("observers of one stream and shape share one session; another shape gets its own", async () => {
    const { tracker, runtime, url } = await setup();
    const a = runtime.observe(url, shape);
    const b = runtime.observe(url, { ...shape });
    const other = runtime.observe(url, { ...shape, live: "off" });
    expect(b.key).toBe(a.key);
    expect(other.key).not.toBe(a.key);
    const releases = [a, b, other].map((observer) => observer.subscribe(() => {}));
    expect(runtime.sessions.refs(a.key)).toBe(2);
    expect(runtime.sessions.refs(other.key)).toBe(1);
    await until(a, () => a.getSnapshot().status === "live");
    expect(b.getSnapshot()).toBe(a.getSnapshot());
    expect(tracker.catchUps(url)).toHaveLength(2);
    for (const release of releases) release();
  });

  it("ready() makes the session without starting it, and is undefined once caught up", async () => {
    const { tracker, runtime, url } = await setup();
    const observer = runtime.observe(url, shape);
    const ready = observer.ready();
    expect(ready).toBeInstanceOf(Promise);
    expect(runtime.sessions.list()).toHaveLength(1);
    expect(runtime.sessions.refs(observer.key)).toBe(0);
    expect(tracker.requests).toHaveLength(0);
    const release = observer.retain();
    await ready;
    expect(observer.ready()).toBeUndefined();
    expect(observer.getSnapshot().state).toEqual(["first"]);
    release();
  });

  it("a view without a URL observes nothing", async () => {
    const { tracker, runtime } = await setup();
    const observer = runtime.observe(null, shape);
    const unsubscribe = observer.subscribe(() => {});
    expect(observer.ready()).toBeUndefined();
    expect(observer.getSnapshot().status).toBe("idle");
    unsubscribe();
    expect(runtime.sessions.list()).toHaveLength(0);
    expect(tracker.requests).toHaveLength(0);
  });
});
