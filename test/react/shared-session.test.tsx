// @vitest-environment jsdom
import type { ReactNode } from "react";
import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { useDurableStream, type LiveMode, type ReadAs } from "../../src/react/index.js";
import { inProvider } from "../support/react-harness.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";
import { trackingFetch } from "../support/tracking-fetch.js";
import { delay } from "../support/read-helpers.js";

const server = sharedTestServer();
afterEach(cleanup);

interface ReaderProps {
  url: string;
  id: string;
  live?: LiveMode;
  as?: ReadAs;
}

/** Shows what it read as text, and its status. */
function Reader({ url, id, live, as }: ReaderProps): ReactNode {
  const { data, status } = useDurableStream<unknown, unknown>(url, { live, as });
  const text = typeof data === "string" ? data : JSON.stringify(data);
  return (
    <div data-testid={id} data-status={status} data-kind={typeof data}>
      {text}
    </div>
  );
}

async function jsonStream(client: ReturnType<typeof testClient>, first: unknown) {
  const url = uniquePath("shared");
  const stream = client.stream(url);
  await stream.create({ contentType: "application/json" });
  await stream.appendJson(first);
  return { url, stream };
}

function readers(url: string, count: number, props: Partial<ReaderProps> = {}): ReactNode {
  return Array.from({ length: count }, (_, i) => (
    <Reader key={i} url={url} id={`r${i}`} {...props} />
  ));
}

const allLive = (count: number) => () => {
  for (let i = 0; i < count; i++) {
    expect(screen.getByTestId(`r${i}`).dataset.status).toBe("live");
  }
};

describe("one HTTP session per stream and shape", () => {
  it.each<LiveMode>(["auto", "long-poll"])(
    "five readers of the same stream under StrictMode open one session (live %s)",
    async (live) => {
      const tracker = trackingFetch();
      const client = testClient(server(), { fetch: tracker.fetch, warnOnHttp: false });
      const { url, stream } = await jsonStream(client, "first");
      render(inProvider(client, readers(url, 5, { live })));
      await waitFor(allLive(5));
      await act(async () => {
        await stream.appendJson("second");
      });
      await waitFor(() => {
        for (let i = 0; i < 5; i++) {
          expect(screen.getByTestId(`r${i}`).textContent).toBe('["first","second"]');
        }
      });
      // Long enough for several long-polls (the server answers an idle one after 500 ms).
      await act(() => delay(1200));
      const reads = tracker.forPath(url).filter((r) => r.method === "GET");
      expect(tracker.catchUps(url)).toHaveLength(1);
      expect(reads[0]!.live).toBe(false);
      expect(tracker.maxConcurrentLive(url)).toBe(1);
      // One session: a handful of live requests in ~1.5 s, not five times as many.
      expect(reads.filter((r) => r.live).length).toBeLessThanOrEqual(live === "auto" ? 2 : 6);
      expect(reads.filter((r) => r.live).length).toBeGreaterThanOrEqual(1);
    },
  );

  it("different read shapes (live mode, as) get separate sessions", async () => {
    const tracker = trackingFetch();
    const client = testClient(server(), { fetch: tracker.fetch, warnOnHttp: false });
    const { url } = await jsonStream(client, "hello");
    render(
      inProvider(
        client,
        <>
          <Reader url={url} id="r0" />
          <Reader url={url} id="r1" />
          <Reader url={url} id="r2" live="long-poll" />
          <Reader url={url} id="r3" live="long-poll" />
          <Reader url={url} id="r4" as="text" />
          <Reader url={url} id="r5" live="off" />
        </>,
      ),
    );
    await waitFor(allLive(5));
    await waitFor(() => expect(screen.getByTestId("r5").textContent).toBe('["hello"]'));
    expect(screen.getByTestId("r0").textContent).toBe('["hello"]');
    expect(screen.getByTestId("r2").textContent).toBe('["hello"]');
    // Read as text, the JSON stream's body is one string, not a list of messages.
    expect(screen.getByTestId("r4").dataset.kind).toBe("string");
    expect(screen.getByTestId("r4").textContent).toContain('"hello"');
    expect(screen.getByTestId("r0").dataset.kind).toBe("object");
    // auto, long-poll, text (auto) and off: four sessions, four catch-up GETs.
    expect(tracker.catchUps(url)).toHaveLength(4);
    const liveParams = tracker
      .forPath(url)
      .filter((r) => r.live)
      .map((r) => r.url.searchParams.get("live"));
    expect(liveParams).toContain("sse");
    expect(liveParams).toContain("long-poll");
  });
});

describe("release after the grace period", () => {
  it("keeps the session open during the grace period and closes it after", async () => {
    const tracker = trackingFetch();
    const client = testClient(server(), { fetch: tracker.fetch, warnOnHttp: false });
    const { url } = await jsonStream(client, "a");
    const options = { gracePeriodMs: 400 };
    const view = render(inProvider(client, readers(url, 3, { live: "long-poll" }), options));
    await waitFor(allLive(3));
    await waitFor(() => expect(tracker.forPath(url).some((r) => r.live && !r.done)).toBe(true));
    const openLive = tracker.forPath(url).find((r) => r.live && !r.done)!;

    view.rerender(inProvider(client, null, options));
    expect(screen.queryByTestId("r0")).toBeNull();
    await act(() => delay(150));
    // Within the grace period: still reading (the live request is not aborted).
    expect(openLive.signal?.aborted).toBe(false);
    const lastDuringGrace = tracker.forPath(url).at(-1)!;
    expect(lastDuringGrace.signal?.aborted).toBe(false);

    // After it: the in-flight live request is aborted, and nothing more is sent.
    await waitFor(() => expect(tracker.forPath(url).at(-1)!.signal?.aborted).toBe(true), {
      timeout: 2000,
    });
    expect(tracker.forPath(url).every((r) => r.done)).toBe(true);
    const sent = tracker.forPath(url).length;
    await act(() => delay(800)); // longer than the server's long-poll timeout
    expect(tracker.forPath(url)).toHaveLength(sent);
    expect(tracker.catchUps(url)).toHaveLength(1);

    // A new reader after the release opens a new session: a new catch-up GET.
    view.rerender(inProvider(client, readers(url, 1, { live: "long-poll" }), options));
    await waitFor(allLive(1));
    expect(tracker.catchUps(url)).toHaveLength(2);
    view.unmount();
  });

  it("a remount within the grace period reuses the session: no new catch-up GET", async () => {
    const tracker = trackingFetch();
    const client = testClient(server(), { fetch: tracker.fetch, warnOnHttp: false });
    const { url, stream } = await jsonStream(client, "a");
    const options = { gracePeriodMs: 500 };
    const view = render(inProvider(client, readers(url, 2, { live: "long-poll" }), options));
    await waitFor(allLive(2));
    const liveBefore = tracker.forPath(url).filter((r) => r.live);

    view.rerender(inProvider(client, null, options));
    await act(() => delay(100));
    view.rerender(inProvider(client, readers(url, 2, { live: "long-poll" }), options));
    // The shared view is still there: the data shows on the first render, already live.
    expect(screen.getByTestId("r0").textContent).toBe('["a"]');
    expect(screen.getByTestId("r0").dataset.status).toBe("live");
    // Past the grace period the session is still open and following.
    await act(() => delay(700));
    for (const request of liveBefore) expect(request.signal?.aborted).toBe(false);
    await act(async () => {
      await stream.appendJson("b");
    });
    await waitFor(() => expect(screen.getByTestId("r1").textContent).toBe('["a","b"]'));
    expect(tracker.catchUps(url)).toHaveLength(1);
    expect(tracker.maxConcurrentLive(url)).toBe(1);
    view.unmount();
  });
});
