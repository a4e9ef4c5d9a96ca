// @vitest-environment jsdom
// fake-indexeddb stands in for the browser's IndexedDB, which jsdom lacks.
import "fake-indexeddb/auto";
import { randomBytes } from "node:crypto";
import { StrictMode, type ReactNode } from "react";
import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { indexedDbCheckpoints } from "../../src/idb/index.js";
import {
  DurableStreamsProvider,
  useDurableStream,
  type FetchFunction,
} from "../../src/react/index.js";
import { recordingFetch } from "../support/counting-fetch.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";
import {
  View,
  reads,
  serverItems,
  tailOffset,
  uniqueDatabase,
  type RenderEntry,
  TrackRuntime,
  disposeRuntimes,
  type Msg,
  nextLoadCheckpoint,
} from "./checkpoint-helpers.js";
import { delay } from "../support/read-helpers.js";

const server = sharedTestServer();

afterEach(async () => {
  cleanup();
  await disposeRuntimes();
});

describe("simulated reload with IndexedDB checkpoints", () => {
  it("restores the saved state at once, resumes at the saved offset, and shows every message exactly once", async () => {
    const database = uniqueDatabase();
    const writer = testClient(server());
    const url = uniquePath("reload");
    const stream = writer.stream(url);
    await stream.create({ contentType: "application/json" });
    for (const n of [1, 2, 3]) await stream.appendJson({ n });

    // --- First page load: follow the stream live, with a checkpoint.
    const firstTab = render(
      <StrictMode>
        <DurableStreamsProvider
          client={testClient(server())}
          checkpoints={indexedDbCheckpoints({ database })}
          checkpointIntervalMs={60_000}
          gracePeriodMs={50}
          throttle={false}
        >
          <TrackRuntime />
          <View<Msg> url={url} options={{ persist: "chat" }} />
        </DurableStreamsProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getByTestId("view").dataset.status).toBe("live"));
    await act(async () => {
      await stream.appendJson({ n: 4 });
    });
    await waitFor(() =>
      expect(screen.getByTestId("view").textContent).toBe(
        JSON.stringify([1, 2, 3, 4].map((n) => ({ n }))),
      ),
    );
    const savedOffset = await tailOffset(writer, url);

    // The interval is a minute: only `pagehide` can have written the record now.
    expect(await nextLoadCheckpoint(database, "chat")).toBeUndefined();
    window.dispatchEvent(new Event("pagehide"));
    await waitFor(async () =>
      expect((await nextLoadCheckpoint(database, "chat"))?.offset).toBe(savedOffset),
    );
    const saved = (await nextLoadCheckpoint(database, "chat"))!;
    expect(saved.state).toEqual([1, 2, 3, 4].map((n) => ({ n })));
    firstTab.unmount();
    // Let the unmounted tab's session end (grace period), as a real reload would have.
    await delay(200);
    expect((await nextLoadCheckpoint(database, "chat"))?.offset).toBe(savedOffset);

    // --- While the tab is gone, the stream goes on.
    await stream.appendJson({ n: 5 });
    await stream.appendJson({ n: 6 });

    // --- Reload: a new provider, a new client, a new store object on the same database.
    const recorder = recordingFetch();
    const log: RenderEntry<Msg[]>[] = [];
    render(
      <StrictMode>
        <DurableStreamsProvider
          client={testClient(server(), { fetch: recorder.fetch })}
          checkpoints={indexedDbCheckpoints({ database })}
          checkpointIntervalMs={60_000}
          gracePeriodMs={50}
          throttle={false}
        >
          <TrackRuntime />
          <View<Msg> url={url} options={{ persist: "chat" }} log={log} />
        </DurableStreamsProvider>
      </StrictMode>,
    );
    const expected = await serverItems<Msg>(writer, url);
    expect(expected).toEqual([1, 2, 3, 4, 5, 6].map((n) => ({ n })));
    await waitFor(() => {
      expect(screen.getByTestId("view").dataset.status).toBe("live");
      expect(JSON.parse(screen.getByTestId("view").textContent!)).toEqual(expected);
    });

    // The first read resumes at the saved offset.
    const firstRead = reads(recorder.requests, url)[0]!;
    expect(firstRead.url.searchParams.get("offset")).toBe(savedOffset);

    // The restored state rendered before any network data: the first render with
    // data shows exactly the saved state, while still restoring or connecting.
    const statuses = log.map((entry) => entry.status);
    const firstWithData = log.findIndex((entry) => entry.data.length > 0);
    expect(log[firstWithData]!.data).toEqual(saved.state);
    expect(["restoring", "connecting"]).toContain(log[firstWithData]!.status);
    expect(statuses.indexOf("restoring")).toBeGreaterThanOrEqual(0);
    expect(statuses.indexOf("restoring")).toBeLessThanOrEqual(firstWithData);

    // Nothing shown twice, nothing missing: every render is a prefix of the stream,
    // and once something is shown it stays shown.
    let shown = 0;
    for (const entry of log) {
      expect(expected.slice(0, entry.data.length)).toEqual(entry.data);
      if (entry.data.length > 0) {
        expect(entry.data.length).toBeGreaterThanOrEqual(shown);
        shown = entry.data.length;
      }
    }

    // Data appended after the reload arrives live, still exactly once.
    await act(async () => {
      await stream.appendJson({ n: 7 });
    });
    await waitFor(() =>
      expect(JSON.parse(screen.getByTestId("view").textContent!)).toEqual(
        [1, 2, 3, 4, 5, 6, 7].map((n) => ({ n })),
      ),
    );
  });
});

/**
 * A real fetch whose first `count` GET bodies break off after `afterBytes`, as
 * a dropped connection would. Mocked because the reference server cannot
 * produce it: its `truncateBodyBytes` fault ends the body cleanly.
 */
function bodiesBreakingOff(count: number, afterBytes: number): FetchFunction {
  let left = count;
  return async (input, init) => {
    const response = await fetch(input, init);
    if ((init.method ?? "GET") !== "GET" || left <= 0 || response.body === null) return response;
    left--;
    const reader = response.body.getReader();
    let passed = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (passed >= afterBytes) {
          await reader.cancel();
          controller.error(new TypeError("terminated"));
          return;
        }
        const { done, value } = await reader.read();
        if (done) return controller.close();
        passed += value.length;
        controller.enqueue(value);
      },
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
}

function ByteCount({ url }: { url: string }): ReactNode {
  const { data, status } = useDurableStream<Uint8Array, Uint8Array>(url, {
    as: "bytes",
    live: "off",
    persist: "bytes",
  });
  return (
    <div data-testid="bytes" data-status={status}>
      {data.length}
    </div>
  );
}

describe("exactly once across a restart of the read", () => {
  // Known bug in src/sync/session.ts (see the report): a piece of a large response
  // (> 1 MiB, `partial`) is folded into the state while the offset stays at the
  // response's start; when the client gives up mid-response the session restarts
  // from that offset and folds the same bytes in again. Flip to `it` once fixed.
  it("a large response broken off mid-body and read again is not folded in twice", async () => {
    const writer = testClient(server());
    const url = uniquePath("pieces");
    await writer.stream(url).create({ contentType: "application/octet-stream" });
    await writer.stream(url).append(new Uint8Array(randomBytes(2_500_000)));
    // The client tries 1 + 3 times (testClient's maxRetries), then the session restarts the read.
    render(
      <StrictMode>
        <DurableStreamsProvider
          client={testClient(server(), { fetch: bodiesBreakingOff(4, 1_200_000) })}
          gracePeriodMs={50}
          throttle={false}
        >
          <TrackRuntime />
          <ByteCount url={url} />
        </DurableStreamsProvider>
      </StrictMode>,
    );
    await waitFor(
      () => {
        expect(screen.getByTestId("bytes").dataset.status).toBe("idle");
        expect(Number(screen.getByTestId("bytes").textContent)).toBeGreaterThan(0);
      },
      { timeout: 8000 },
    );
    expect(Number(screen.getByTestId("bytes").textContent)).toBe(2_500_000);
  }, 15_000);
});
