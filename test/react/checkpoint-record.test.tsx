// @vitest-environment jsdom
// fake-indexeddb stands in for the browser's IndexedDB, which jsdom lacks.
import "fake-indexeddb/auto";
import { StrictMode, type ReactNode } from "react";
import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { createStore, keys } from "idb-keyval";
import { afterEach, describe, expect, it } from "vitest";
import { indexedDbCheckpoints } from "../../src/idb/index.js";
import {
  DurableStreamsProvider,
  type CheckpointStore,
  type DurableStreamClient,
  type UseDurableStreamOptions,
} from "../../src/react/index.js";
import { recordingFetch } from "../support/counting-fetch.js";
import { injectFault } from "../support/faults.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";
import {
  catchUpReads,
  View,
  reads,
  serverItems,
  tailOffset,
  uniqueDatabase,
  type RenderEntry,
  TrackRuntime,
  disposeRuntimes,
  type Msg,
  msgs,
  nextLoadCheckpoint,
} from "./checkpoint-helpers.js";
import { countingStore } from "../support/counting-store.js";

const server = sharedTestServer();

afterEach(async () => {
  cleanup();
  Reflect.deleteProperty(document, "visibilityState");
  await disposeRuntimes();
});

function Tab({
  client,
  store,
  url,
  options = { persist: "chat" },
  intervalMs = 60_000,
  log,
  testId = "view",
}: {
  client: DurableStreamClient;
  store: CheckpointStore;
  url: string;
  options?: UseDurableStreamOptions<Msg, Msg[], Msg[]>;
  intervalMs?: number;
  log?: RenderEntry<Msg[]>[];
  testId?: string;
}): ReactNode {
  return (
    <StrictMode>
      <DurableStreamsProvider
        client={client}
        checkpoints={store}
        checkpointIntervalMs={intervalMs}
        gracePeriodMs={50}
        throttle={false}
      >
        <TrackRuntime />
        <View<Msg> url={url} options={options} log={log} testId={testId} />
      </DurableStreamsProvider>
    </StrictMode>
  );
}

async function jsonStream(...ns: number[]) {
  const client = testClient(server());
  const url = uniquePath("cp");
  const stream = client.stream(url);
  await stream.create({ contentType: "application/json" });
  for (const n of ns) await stream.appendJson({ n });
  return { client, url, stream };
}

const view = (testId = "view") => screen.getByTestId(testId);
const shown = (testId = "view") => JSON.parse(view(testId).textContent!) as Msg[];
const raw = (database: string) => createStore(database, "checkpoints");

describe("the checkpoint record", () => {
  it("is one record per key holding state, offset, cursor and version, written in one put", async () => {
    const { client, url } = await jsonStream(1, 2);
    const database = uniqueDatabase();
    const counted = countingStore(indexedDbCheckpoints({ database }));
    render(<Tab client={testClient(server())} store={counted.store} url={url} />);
    await waitFor(() => expect(view().dataset.status).toBe("live"));
    window.dispatchEvent(new Event("pagehide"));
    await waitFor(async () => expect(await nextLoadCheckpoint(database, "chat")).toBeDefined());
    expect(await keys(raw(database))).toEqual(["chat"]);
    const stored = await nextLoadCheckpoint(database, "chat");
    expect(stored).toMatchObject({
      url,
      version: "1",
      state: msgs(1, 2),
      offset: await tailOffset(client, url),
      closed: false,
    });
    expect(Object.keys(stored!)).toEqual(expect.arrayContaining(["cursor", "savedAt"]));
    // One operation carried all of it.
    expect(counted.puts).toHaveLength(1);
    expect(counted.puts[0]!.record).toEqual(stored);
  });

  it("is written on a coalescing timer: several batches within the interval make one write", async () => {
    const { client, url, stream } = await jsonStream(1);
    const database = uniqueDatabase();
    const counted = countingStore(indexedDbCheckpoints({ database }));
    const log: RenderEntry<Msg[]>[] = [];
    render(
      <Tab
        client={testClient(server())}
        store={counted.store}
        url={url}
        intervalMs={2000}
        log={log}
      />,
    );
    await waitFor(() => expect(view().dataset.status).toBe("live"));
    // Three more batches, each arriving (and rendering) on its own.
    for (const n of [2, 3, 4]) {
      await act(async () => {
        await stream.appendJson({ n });
      });
      await waitFor(() => expect(shown()).toHaveLength(n));
    }
    const offsetsShown = new Set(log.map((entry) => entry.offset).filter(Boolean));
    expect(offsetsShown.size).toBeGreaterThanOrEqual(4);
    expect(counted.puts).toHaveLength(0);
    await waitFor(() => expect(counted.puts.length).toBeGreaterThan(0), { timeout: 4000 });
    expect(counted.puts).toHaveLength(1);
    expect(counted.puts[0]!.record).toMatchObject({
      state: msgs(1, 2, 3, 4),
      offset: await tailOffset(client, url),
    });
  });

  it("is written at once on pagehide, when the page becomes hidden, and when the stream closes", async () => {
    const { client, url, stream } = await jsonStream(1);
    const database = uniqueDatabase();
    const counted = countingStore(indexedDbCheckpoints({ database }));
    render(<Tab client={testClient(server())} store={counted.store} url={url} />);
    await waitFor(() => expect(view().dataset.status).toBe("live"));
    expect(counted.puts).toHaveLength(0);

    window.dispatchEvent(new Event("pagehide"));
    await waitFor(() => expect(counted.puts).toHaveLength(1));
    expect(counted.puts[0]!.record.state).toEqual(msgs(1));
    // A closing page's write: one put committed within the event, in IndexedDB itself.
    expect(counted.puts[0]!.urgent).toBe(true);
    await waitFor(async () =>
      expect((await nextLoadCheckpoint(database, "chat"))?.state).toEqual(msgs(1)),
    );

    await act(async () => {
      await stream.appendJson({ n: 2 });
    });
    await waitFor(() => expect(shown()).toEqual(msgs(1, 2)));
    expect(counted.puts).toHaveLength(1);
    Object.defineProperty(document, "visibilityState", { configurable: true, value: "hidden" });
    document.dispatchEvent(new Event("visibilitychange"));
    await waitFor(() => expect(counted.puts).toHaveLength(2));
    expect(counted.puts[1]!.urgent).toBe(true);
    expect(counted.puts[1]!.record).toMatchObject({
      state: msgs(1, 2),
      offset: await tailOffset(client, url),
    });
    Object.defineProperty(document, "visibilityState", { configurable: true, value: "visible" });
    document.dispatchEvent(new Event("visibilitychange"));

    await act(async () => {
      await stream.close({ data: JSON.stringify([{ n: 3 }]) });
    });
    await waitFor(() => expect(view().dataset.status).toBe("closed"));
    await waitFor(async () =>
      expect((await nextLoadCheckpoint(database, "chat"))?.closed).toBe(true),
    );
    const final = (await nextLoadCheckpoint(database, "chat"))!;
    expect(final.state).toEqual(msgs(1, 2, 3));
    expect(final.offset).toBe(await tailOffset(client, url));
  });

  it("never moves backwards when a stale tab writes after a newer one", async () => {
    const { client, url, stream } = await jsonStream(1, 2);
    const database = uniqueDatabase();
    // Tab B reads once (live off) and keeps its checkpoint queued: it is at message 2.
    const tabB = countingStore(indexedDbCheckpoints({ database }));
    render(
      <Tab
        client={testClient(server())}
        store={tabB.store}
        url={url}
        options={{ persist: "chat", live: "off" }}
        testId="b"
      />,
    );
    await waitFor(() => expect(shown("b")).toEqual(msgs(1, 2)));
    await waitFor(() => expect(view("b").dataset.status).toBe("idle"));
    await stream.appendJson({ n: 3 });
    const newest = await tailOffset(client, url);

    // Tab A follows the stream to message 3 and saves when it leaves.
    const tabA = render(
      <Tab
        client={testClient(server())}
        store={indexedDbCheckpoints({ database })}
        url={url}
        testId="a"
      />,
    );
    await waitFor(() => expect(shown("a")).toEqual(msgs(1, 2, 3)));
    tabA.unmount();
    await waitFor(async () =>
      expect((await nextLoadCheckpoint(database, "chat"))?.offset).toBe(newest),
    );

    // Now the stale tab writes its older checkpoint.
    expect(tabB.puts).toHaveLength(0);
    window.dispatchEvent(new Event("pagehide"));
    await waitFor(() => expect(tabB.puts).toHaveLength(1));
    expect(tabB.puts[0]!.record.state).toEqual(msgs(1, 2));
    const stored = (await nextLoadCheckpoint(database, "chat"))!;
    expect(stored.offset).toBe(newest);
    expect(stored.state).toEqual(msgs(1, 2, 3));
  });

  it("is dropped when the reducer version changes", async () => {
    const { client, url } = await jsonStream(1, 2, 3);
    const database = uniqueDatabase();
    const store = indexedDbCheckpoints({ database });
    await store.put("chat", {
      url,
      version: "1",
      state: msgs(99),
      offset: await tailOffset(client, url),
      cursor: undefined,
      closed: false,
      savedAt: Date.now(),
    });
    const recorder = recordingFetch();
    const log: RenderEntry<Msg[]>[] = [];
    const tab = render(
      <Tab
        client={testClient(server(), { fetch: recorder.fetch })}
        store={indexedDbCheckpoints({ database })}
        url={url}
        options={{ persist: "chat", version: "2" }}
        log={log}
      />,
    );
    await waitFor(() => expect(view().dataset.status).toBe("live"));
    expect(shown()).toEqual(await serverItems(client, url));
    expect(log.some((entry) => entry.data.some((m) => m.n === 99))).toBe(false);
    expect(reads(recorder.requests, url)[0]!.url.searchParams.get("offset")).toBe("-1");
    expect(await nextLoadCheckpoint(database, "chat")).toBeUndefined();
    // What is saved from now on carries the new version.
    tab.unmount();
    await waitFor(async () =>
      expect(await nextLoadCheckpoint(database, "chat")).toMatchObject({
        version: "2",
        state: msgs(1, 2, 3),
      }),
    );
  });

  it("is dropped when the stream is gone (404)", async () => {
    const { client, url, stream } = await jsonStream(1);
    const database = uniqueDatabase();
    const first = render(
      <Tab client={testClient(server())} store={indexedDbCheckpoints({ database })} url={url} />,
    );
    await waitFor(() => expect(view().dataset.status).toBe("live"));
    first.unmount();
    await waitFor(async () => expect(await nextLoadCheckpoint(database, "chat")).toBeDefined());
    await stream.delete();
    await expect(client.stream(url).head()).rejects.toMatchObject({ status: 404 });

    render(
      <Tab client={testClient(server())} store={indexedDbCheckpoints({ database })} url={url} />,
    );
    await waitFor(() => expect(view().dataset.status).toBe("error"));
    expect(view().dataset.error).toBe("StreamNotFoundError");
    await waitFor(async () => expect(await nextLoadCheckpoint(database, "chat")).toBeUndefined());
  });

  it("is dropped when the stream answers 410 Gone, and the view reads the stream again from the start", async () => {
    const { client, url } = await jsonStream(1, 2);
    const database = uniqueDatabase();
    const store = indexedDbCheckpoints({ database });
    const savedOffset = await tailOffset(client, url);
    await store.put("chat", {
      url,
      version: "1",
      state: msgs(1),
      offset: savedOffset,
      cursor: undefined,
      closed: false,
      savedAt: Date.now(),
    });
    // The reference server answers the next read with 410 (offset no longer retained).
    await injectFault(server().url, url, { status: 410, method: "GET", count: 1 });
    const recorder = recordingFetch();
    render(
      <Tab
        client={testClient(server(), { fetch: recorder.fetch })}
        store={indexedDbCheckpoints({ database })}
        url={url}
      />,
    );
    // The saved state is gone with its offset: what shows is the stream as it is, once.
    await waitFor(() => expect(view().textContent).toBe(JSON.stringify(msgs(1, 2))));
    await waitFor(() => expect(view().dataset.status).toBe("live"));
    const starts = catchUpReads(recorder.requests, url).map((r) =>
      r.url.searchParams.get("offset"),
    );
    expect(starts).toEqual([savedOffset, "-1"]);
    window.dispatchEvent(new Event("pagehide"));
    await waitFor(async () =>
      expect((await nextLoadCheckpoint(database, "chat"))?.state).toEqual(msgs(1, 2)),
    );
  });
});
