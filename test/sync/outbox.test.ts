/**
 * The durable outbox against the real reference server. A "page" is a
 * SharedProducer on a client; a page that dies is one whose requests are held
 * forever by `Wire` (before they reach the server, or after the server
 * applied them and before the answer: what a crash looks like from the
 * server). The next page is a new SharedProducer with the same producer id
 * and the same store. Node has no Web Locks, so the hold on the id is
 * granted at once and nothing is adopted here (the e2e tests cover that in
 * Chromium).
 */
import { afterEach, describe, expect, it } from "vitest";
import {
  IdempotentProducer,
  UndeliveredError,
  type DurableStreamClient,
} from "../../src/client/index.js";
import { memoryOutbox, type Outbox } from "../../src/sync/index.js";
import { SharedProducer } from "../../src/sync/producers.js";
import { clearFaults, injectFault } from "../support/faults.js";
import { Wire, eventually, readBackJson } from "../support/producer-wire.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";

const server = sharedTestServer();
const pages: SharedProducer[] = [];

afterEach(async () => {
  await Promise.all(pages.splice(0).map((page) => page.stop().catch(() => undefined)));
});

async function jsonStream(): Promise<string> {
  const url = uniquePath("outbox");
  await testClient(server()).stream(url).create({ contentType: "application/json" });
  return url;
}

/**
 * A page's durable producer (started), on `client`. A page that is to die is
 * not stopped after the test: its requests never end, like a crashed tab's.
 */
function openPage(
  client: DurableStreamClient,
  url: string,
  id: string,
  store: Outbox,
  dies = false,
) {
  const page = new SharedProducer(client, url, id, { lingerMs: 0, autoClaim: true }, store);
  page.start();
  if (!dies) pages.push(page);
  return page;
}

/** Polls `read` until it gives `expected` (or 5 s pass), then returns what it gave last. */
async function settles<T>(read: () => Promise<T>, expected: T): Promise<T> {
  let last = await read();
  for (let i = 0; i < 100 && JSON.stringify(last) !== JSON.stringify(expected); i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await read();
  }
  return last;
}

/** A client whose producer POSTs never get an answer: the page dies with them on the wire. */
function dyingClient(where: "before-server" | "after-server") {
  const wire = new Wire();
  const posts = (request: { method: string }) => request.method === "POST";
  if (where === "before-server") wire.hold(posts);
  else wire.holdAnswers(posts);
  return { wire, client: testClient(server(), { fetch: wire.fetch, warnOnHttp: false }) };
}

const stored = (url: string) => readBackJson(server().url, url);

describe("durable outbox", () => {
  it.each(["before-server", "after-server"] as const)(
    "a page that dies with its writes on the wire (%s): the next page stores each once, in order",
    async (where) => {
      const url = await jsonStream();
      const store = memoryOutbox();
      const dying = dyingClient(where);
      const first = openPage(dying.client, url, "tab-a", store, true);
      for (let i = 0; i < 5; i++) first.producer.append({ n: i });
      await eventually(() => dying.wire.producerPosts.length > 0, 2000);
      // The first batch is on the wire (or applied): everything is in the store, numbered or not.
      expect((await store.store.records()).map((r) => r.message)).toEqual(
        [0, 1, 2, 3, 4].map((n) => ({ n })),
      );

      const second = openPage(testClient(server()), url, "tab-a", store);
      second.producer.append({ n: 5 });
      await second.producer.flush();
      const expected = [0, 1, 2, 3, 4, 5].map((n) => ({ n }));
      expect(await settles(() => stored(url), expected)).toEqual(expected);
      expect(second.outbox.pending).toEqual([]);
      expect(await store.store.records(), "delivered records leave the store").toEqual([]);
    },
  );

  it("pending lists an earlier page's messages first, then this page's, until acknowledged", async () => {
    const url = await jsonStream();
    const store = memoryOutbox();
    const dying = dyingClient("before-server");
    const first = openPage(dying.client, url, "tab-b", store, true);
    first.producer.append("early-1");
    first.producer.append("early-2");
    expect(first.outbox.pending).toEqual(["early-1", "early-2"]);
    await eventually(() => dying.wire.producerPosts.length > 0, 2000);

    const wire = new Wire();
    const held = wire.hold((request) => request.method === "POST");
    const client = testClient(server(), { fetch: wire.fetch, warnOnHttp: false });
    const second = openPage(client, url, "tab-b", store);
    second.producer.append("late");
    await eventually(() => second.outbox.pending.length === 3, 2000);
    expect(second.outbox.pending).toEqual(["early-1", "early-2", "late"]);
    held.release();
    const all = ["early-1", "early-2", "late"];
    expect(await settles(() => stored(url), all)).toEqual(all);
    await eventually(() => second.outbox.pending.length === 0, 2000);
    expect(second.outbox.pending).toEqual([]);
  });

  it("a producer that detaches keeps what it has not delivered for the next page", async () => {
    const url = await jsonStream();
    const store = memoryOutbox();
    const dying = dyingClient("before-server");
    const first = openPage(dying.client, url, "tab-c", store, true);
    first.producer.append("kept");
    await eventually(() => dying.wire.producerPosts.length > 0, 2000);
    // Its batch is on the wire (and stays there): the detach stops its retries and keeps it.
    void first.stop();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await store.store.records()).map((r) => r.message)).toEqual(["kept"]);

    openPage(testClient(server()), url, "tab-c", store);
    expect(await settles(() => stored(url), ["kept"])).toEqual(["kept"]);
    expect(await settles(() => store.store.records(), [])).toEqual([]);
  });

  it("fenced on the re-send: the messages come back in an UndeliveredError, and leave the store", async () => {
    const url = await jsonStream();
    const store = memoryOutbox();
    const dying = dyingClient("before-server");
    const first = openPage(dying.client, url, "tab-d", store, true);
    first.producer.append("lost-1");
    first.producer.append("lost-2");
    await eventually(() => dying.wire.producerPosts.length > 0, 2000);
    // Another writer takes the id over with a higher epoch.
    const usurper = new IdempotentProducer(testClient(server()).stream(url), "tab-d", {
      epoch: 50,
    });
    usurper.append("usurper");
    await usurper.flush();
    await usurper.detach();

    const second = new SharedProducer(testClient(server()), url, "tab-d", { lingerMs: 0 }, store);
    const errors: UndeliveredError[] = [];
    second.listen((error) => error && errors.push(error));
    second.start();
    pages.push(second);
    await eventually(() => errors.length > 0, 5000);
    expect(errors[0]).toBeInstanceOf(UndeliveredError);
    expect(errors[0]!.messages).toEqual(["lost-1", "lost-2"]);
    expect(errors[0]!.producerId).toBe("tab-d");
    expect(await store.store.records()).toEqual([]);
    expect(second.outbox.pending).toEqual([]);
    expect(await stored(url)).toEqual(["usurper"]);
  });

  it("without a store, pending still lists what is not acknowledged, and nothing is stored", async () => {
    const url = await jsonStream();
    const wire = new Wire();
    const held = wire.hold((request) => request.method === "POST");
    const client = testClient(server(), { fetch: wire.fetch, warnOnHttp: false });
    const page = new SharedProducer(client, url, "tab-e", { lingerMs: 0 });
    page.start();
    pages.push(page);
    page.producer.append("one");
    page.producer.append("two");
    expect(page.durable).toBe(false);
    expect(page.outbox.pending).toEqual(["one", "two"]);
    held.release();
    await page.producer.flush();
    expect(page.outbox.pending).toEqual([]);
  });

  it("the next page cannot reach the server at first: it keeps the records and sends them once it can", async () => {
    const url = await jsonStream();
    const store = memoryOutbox();
    const dying = dyingClient("before-server");
    const first = openPage(dying.client, url, "tab-f", store, true);
    first.producer.append("kept-1");
    first.producer.append("kept-2");
    await eventually(() => dying.wire.producerPosts.length > 0, 2000);
    // The next page's HEAD (its handle does not know the content type) fails well past the
    // client's retries; before the fix the re-send took that for a refusal and dropped them.
    await injectFault(server().url, url, { status: 503, method: "HEAD", count: 10 });
    try {
      const second = openPage(testClient(server()), url, "tab-f", store);
      const errors: unknown[] = [];
      second.listen((error) => error && errors.push(error));
      expect(await settles(() => stored(url), ["kept-1", "kept-2"])).toEqual(["kept-1", "kept-2"]);
      expect(errors).toEqual([]);
      expect(await store.store.records()).toEqual([]);
    } finally {
      await clearFaults(server().url);
    }
  });
});
