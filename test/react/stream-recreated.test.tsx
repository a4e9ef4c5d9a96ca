// @vitest-environment jsdom
// fake-indexeddb stands in for the browser's IndexedDB, which jsdom lacks.
import "fake-indexeddb/auto";
import { StrictMode } from "react";
import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { indexedDbCheckpoints } from "../../src/idb/index.js";
import { DurableStreamsProvider, type FetchFunction } from "../../src/react/index.js";
import { recordingFetch } from "../support/counting-fetch.js";
import { delay } from "../support/read-helpers.js";
import { sharedTestServer, startTestServer, testClient, uniquePath } from "../support/server.js";
import {
  View,
  TrackRuntime,
  disposeRuntimes,
  msgs,
  nextLoadCheckpoint,
  tailOffset,
  uniqueDatabase,
  type Msg,
} from "./checkpoint-helpers.js";

// The long-poll timeout is short so a tab waiting on the old stream asks again soon.
const server = sharedTestServer({ longPollTimeout: 300 });

afterEach(async () => {
  cleanup();
  await disposeRuntimes();
});

/** Deletes the stream and creates it again under the same URL, shorter than before. */
async function recreate(url: string, ...ns: number[]): Promise<void> {
  const admin = testClient(server());
  const stream = admin.stream(url);
  await stream.delete();
  await stream.create({ contentType: "application/json" });
  for (const n of ns) await stream.appendJson({ n });
}

const shown = () => screen.getByTestId("view");

describe("a stream deleted and recreated under the same URL", () => {
  it("a live view survives a development server restarting with an empty store: the old data goes, the view ends equal to the new stream, without a request storm", async () => {
    // A server of this test's own, restarted on the same port with an empty store.
    let dev = await startTestServer({ longPollTimeout: 300 });
    const port = new URL(dev.url).port;
    const url = uniquePath("recreated-live");
    const admin = () => testClient(dev).stream(url);
    try {
      await admin().create({ contentType: "application/json" });
      for (const n of [1, 2, 3, 4, 5, 6]) await admin().appendJson({ n });
      const recorder = recordingFetch();
      // While the server restarts, the tab's requests wait (as if the restart took no time
      // for them): the first one after it meets the new, shorter stream rather than a 404.
      let restarted: Promise<void> = Promise.resolve();
      const gated: FetchFunction = async (input, init) => {
        await restarted;
        return recorder.fetch(input, init);
      };
      render(
        <StrictMode>
          <DurableStreamsProvider
            client={testClient(dev, { fetch: gated, warnOnHttp: false })}
            gracePeriodMs={50}
            throttle={false}
          >
            <TrackRuntime />
            <View<Msg> url={url} options={{ live: "long-poll" }} />
          </DurableStreamsProvider>
        </StrictMode>,
      );
      await waitFor(() => expect(shown().textContent).toBe(JSON.stringify(msgs(1, 2, 3, 4, 5, 6))));

      await act(async () => {
        let reopen!: () => void;
        restarted = new Promise((resolve) => (reopen = resolve));
        await dev.stop();
        dev = await startTestServer({ longPollTimeout: 300, port: Number(port) });
        await admin().create({ contentType: "application/json" });
        await admin().appendJson({ n: 7 });
        reopen();
      });
      await waitFor(() => expect(shown().textContent).toBe(JSON.stringify(msgs(7))), {
        timeout: 8_000,
      });
      await waitFor(() => expect(shown().dataset.status).toBe("live"));
      await act(async () => {
        await admin().appendJson({ n: 8 });
      });
      await waitFor(() => expect(shown().textContent).toBe(JSON.stringify(msgs(7, 8))));

      // Two seconds of following the new stream: long-polls that wait (300 ms each), nothing more.
      const before = recorder.requests.length;
      await act(() => delay(2_000));
      expect(recorder.requests.length - before).toBeLessThanOrEqual(10);
      expect(shown().textContent).toBe(JSON.stringify(msgs(7, 8)));
    } finally {
      cleanup();
      await disposeRuntimes();
      await dev.stop();
    }
  });

  it("a live view that met the deletion (404) reads the recreated stream from the start on retry()", async () => {
    const admin = testClient(server());
    const url = uniquePath("recreated-retry");
    const stream = admin.stream(url);
    await stream.create({ contentType: "application/json" });
    for (const n of [1, 2, 3, 4, 5, 6]) await stream.appendJson({ n });
    let latestRetry: (() => void) | undefined;
    render(
      <StrictMode>
        <DurableStreamsProvider
          client={testClient(server(), { warnOnHttp: false })}
          gracePeriodMs={50}
          throttle={false}
        >
          <TrackRuntime />
          <View<Msg>
            url={url}
            options={{ live: "long-poll" }}
            onRetry={(retry) => (latestRetry = retry)}
          />
        </DurableStreamsProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(shown().textContent).toBe(JSON.stringify(msgs(1, 2, 3, 4, 5, 6))));
    await act(async () => {
      await stream.delete();
    });
    await waitFor(() => expect(shown().dataset.error).toBe("StreamNotFoundError"));
    await act(async () => {
      await stream.create({ contentType: "application/json" });
      await stream.appendJson({ n: 7 });
    });
    act(() => latestRetry!());
    await waitFor(() => expect(shown().textContent).toBe(JSON.stringify(msgs(7))), {
      timeout: 5_000,
    });
    await waitFor(() => expect(shown().dataset.status).toBe("live"));
  });

  it("a checkpoint from the old stream is dropped on the next load, and the view reads the new stream from the start", async () => {
    const database = uniqueDatabase();
    const admin = testClient(server());
    const url = uniquePath("recreated-checkpoint");
    const stream = admin.stream(url);
    await stream.create({ contentType: "application/json" });
    for (const n of [1, 2, 3, 4, 5]) await stream.appendJson({ n });

    // First load: read it all and save the checkpoint (pagehide writes it at once).
    const first = render(
      <StrictMode>
        <DurableStreamsProvider
          client={testClient(server())}
          checkpoints={indexedDbCheckpoints({ database })}
          gracePeriodMs={50}
          throttle={false}
        >
          <TrackRuntime />
          <View<Msg> url={url} options={{ persist: "board", live: "long-poll" }} />
        </DurableStreamsProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(shown().textContent).toBe(JSON.stringify(msgs(1, 2, 3, 4, 5))));
    window.dispatchEvent(new Event("pagehide"));
    const oldTail = await tailOffset(admin, url);
    await waitFor(async () =>
      expect((await nextLoadCheckpoint(database, "board"))?.offset).toBe(oldTail),
    );
    first.unmount();
    await disposeRuntimes();

    // While the tab is closed, the stream is recreated with less in it.
    await recreate(url, 10, 11);
    const newTail = await tailOffset(admin, url);
    expect(newTail < oldTail).toBe(true);

    const recorder = recordingFetch();
    render(
      <StrictMode>
        <DurableStreamsProvider
          client={testClient(server(), { fetch: recorder.fetch })}
          checkpoints={indexedDbCheckpoints({ database })}
          gracePeriodMs={50}
          throttle={false}
        >
          <TrackRuntime />
          <View<Msg> url={url} options={{ persist: "board", live: "long-poll" }} />
        </DurableStreamsProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(shown().textContent).toBe(JSON.stringify(msgs(10, 11))), {
      timeout: 5_000,
    });
    await waitFor(() => expect(shown().dataset.status).toBe("live"));
    // The read started over from the beginning of the new stream.
    const starts = recorder.requests
      .filter((r) => r.method === "GET" && !r.url.searchParams.has("live"))
      .map((r) => r.url.searchParams.get("offset"));
    expect(starts).toEqual([oldTail, "-1"]);
    // The checkpoint now belongs to the new stream.
    window.dispatchEvent(new Event("pagehide"));
    await waitFor(async () => {
      const saved = await nextLoadCheckpoint(database, "board");
      expect(saved?.offset).toBe(newTail);
      expect(saved?.state).toEqual(msgs(10, 11));
    });
  });
});
