// @vitest-environment jsdom
// No fake-indexeddb here: jsdom has no IndexedDB, which is the case under test.
import { StrictMode, type ReactNode } from "react";
import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { indexedDbCheckpoints } from "../../src/idb/index.js";
import {
  DurableStreamsProvider,
  type CheckpointStore,
  type DurableStreamClient,
} from "../../src/react/index.js";
import { recordingFetch } from "../support/counting-fetch.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";
import {
  View,
  reads,
  tailOffset,
  TrackRuntime,
  disposeRuntimes,
  type Msg,
  msgs,
} from "./checkpoint-helpers.js";
import { countingStore } from "../support/counting-store.js";
import { delay } from "../support/read-helpers.js";

const server = sharedTestServer();

afterEach(async () => {
  cleanup();
  vi.restoreAllMocks();
  Reflect.deleteProperty(globalThis, "indexedDB");
  await disposeRuntimes();
});

function Page({
  client,
  store,
  url,
  views = 1,
}: {
  client: DurableStreamClient;
  store: CheckpointStore;
  url: string;
  views?: number;
}): ReactNode {
  return (
    <StrictMode>
      <DurableStreamsProvider
        client={client}
        checkpoints={store}
        checkpointIntervalMs={60_000}
        gracePeriodMs={50}
        throttle={false}
      >
        <TrackRuntime />
        {Array.from({ length: views }, (_, i) => (
          <View<Msg> key={i} url={url} options={{ persist: "chat" }} testId={`view-${i}`} />
        ))}
      </DurableStreamsProvider>
    </StrictMode>
  );
}

async function jsonStream(...ns: number[]) {
  const client = testClient(server());
  const url = uniquePath("fallback");
  const stream = client.stream(url);
  await stream.create({ contentType: "application/json" });
  for (const n of ns) await stream.appendJson({ n });
  return { client, url, stream };
}

const shown = (testId: string) => JSON.parse(screen.getByTestId(testId).textContent!) as Msg[];

describe("IndexedDB fallback", () => {
  it("without indexedDB: memory checkpoints, kind 'memory', reported once, views keep working", async () => {
    expect(typeof indexedDB).toBe("undefined");
    const { client, url, stream } = await jsonStream(1, 2);
    const onFallback = vi.fn();
    const counted = countingStore(indexedDbCheckpoints({ onFallback }));
    expect(counted.store.kind).toBe("memory");

    const first = render(
      <Page client={testClient(server())} store={counted.store} url={url} views={2} />,
    );
    await waitFor(() => {
      expect(shown("view-0")).toEqual(msgs(1, 2));
      expect(shown("view-1")).toEqual(msgs(1, 2));
      expect(screen.getByTestId("view-0").dataset.status).toBe("live");
    });
    window.dispatchEvent(new Event("pagehide"));
    await waitFor(() => expect(counted.puts).toHaveLength(1));
    const saved = await counted.store.get("chat");
    expect(saved).toMatchObject({ state: msgs(1, 2), offset: await tailOffset(client, url) });
    first.unmount();
    // Let the unmounted page's session end (grace period), as a real reload would have.
    await delay(200);
    await stream.appendJson({ n: 3 });

    // A remount in the same page restores from the memory fallback.
    const recorder = recordingFetch();
    render(
      <Page
        client={testClient(server(), { fetch: recorder.fetch })}
        store={counted.store}
        url={url}
      />,
    );
    await waitFor(() => expect(shown("view-0")).toEqual(msgs(1, 2, 3)));
    expect(reads(recorder.requests, url)[0]!.url.searchParams.get("offset")).toBe(saved!.offset);
    expect(onFallback).toHaveBeenCalledTimes(1);
    expect(counted.store.kind).toBe("memory");
  });

  it("with a failing IndexedDB: warns once, however many views and operations, and views keep working", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    globalThis.indexedDB = {
      open() {
        throw new DOMException(
          "The user denied permission to access the database.",
          "UnknownError",
        );
      },
    } as unknown as IDBFactory;
    const a = await jsonStream(1);
    const b = await jsonStream(10, 11);
    const store = indexedDbCheckpoints();
    render(
      <>
        <Page client={testClient(server())} store={store} url={a.url} views={2} />
        <StrictMode>
          <DurableStreamsProvider
            client={testClient(server())}
            checkpoints={store}
            gracePeriodMs={50}
          >
            <TrackRuntime />
            <View<Msg> url={b.url} options={{ persist: "other" }} testId="other" />
          </DurableStreamsProvider>
        </StrictMode>
      </>,
    );
    await waitFor(() => {
      expect(shown("view-0")).toEqual(msgs(1));
      expect(shown("view-1")).toEqual(msgs(1));
      expect(shown("other")).toEqual(msgs(10, 11));
    });
    window.dispatchEvent(new Event("pagehide"));
    await waitFor(async () => expect(await store.get("chat")).toBeDefined());
    expect(await store.get("other")).toMatchObject({ state: msgs(10, 11) });
    expect(store.kind).toBe("memory");
    const idbWarnings = warn.mock.calls.filter((args) => String(args[0]).includes("IndexedDB"));
    expect(idbWarnings).toHaveLength(1);
    // The runtime did not report store failures on top: the fallback absorbed them.
    expect(warn.mock.calls.filter((args) => String(args[0]).includes("checkpoint store"))).toEqual(
      [],
    );
  });
});
