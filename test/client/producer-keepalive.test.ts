// @vitest-environment jsdom
/**
 * Producer requests go out with fetch's `keepalive` while they fit the
 * page's 64 KiB budget, so a batch sent as the page unloads is not aborted
 * with it; a larger one goes out as usual. jsdom stands in for the page
 * (the budget is on where `document` exists), against the real reference
 * server; the fetch only records each init. The unload itself is in
 * e2e/page-exit.spec.ts.
 */
import { describe, expect, it } from "vitest";
import { IdempotentProducer, type FetchFunction } from "../../src/client/index.js";
import { KEEPALIVE_BUDGET_BYTES, keepaliveBudget } from "../../src/client/producer-send.js";
import { readBackText } from "../support/producer-wire.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";

const server = sharedTestServer();

async function setup() {
  const posts: Array<{ keepalive: boolean; bytes: number }> = [];
  const recording: FetchFunction = (input, init) => {
    if (init.method === "POST") {
      const bytes = ArrayBuffer.isView(init.body) ? init.body.byteLength : 0;
      posts.push({ keepalive: init.keepalive === true, bytes });
    }
    return fetch(input, init);
  };
  const client = testClient(server(), { fetch: recording, warnOnHttp: false, network: false });
  const path = uniquePath("keepalive");
  const stream = await client.createStream(path, { contentType: "text/plain" });
  return { posts, path, stream };
}

describe("producer requests in a page", () => {
  it("go out with keepalive within the budget, a larger batch as usual; all are stored", async () => {
    const { posts, path, stream } = await setup();
    const producer = new IdempotentProducer(stream, "keepalive-1", { lingerMs: 60_000 });
    producer.append("small ");
    await producer.flush();
    const large = "x".repeat(KEEPALIVE_BUDGET_BYTES + 1);
    producer.append(large);
    await producer.flush();
    producer.append(" small again");
    await producer.flush();
    expect(posts).toEqual([
      { keepalive: true, bytes: 6 },
      { keepalive: false, bytes: large.length },
      { keepalive: true, bytes: 12 },
    ]);
    expect(await readBackText(server().url, path)).toBe(`small ${large} small again`);
  });
});

describe("keepaliveBudget", () => {
  it("grants requests while their bytes in flight fit, and frees them when they end", () => {
    const budget = keepaliveBudget(100, true);
    expect(budget.take(60)).toBe(true);
    expect(budget.take(41)).toBe(false);
    expect(budget.take(40)).toBe(true);
    expect(budget.take(1)).toBe(false);
    budget.release(60);
    expect(budget.take(60)).toBe(true);
    expect(budget.take(101)).toBe(false);
  });

  it("grants nothing where nothing unloads (outside browsers)", () => {
    expect(keepaliveBudget(100, false).take(1)).toBe(false);
  });
});
