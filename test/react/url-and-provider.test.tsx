// @vitest-environment jsdom
import { StrictMode, useLayoutEffect, useState, type ReactNode } from "react";
import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  DurableStreamsProvider,
  memoryCheckpoints,
  useDurableStream,
  type DurableStreamClient,
} from "../../src/react/index.js";
import { inProvider } from "../support/react-harness.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";
import { trackingFetch } from "../support/tracking-fetch.js";
import { delay } from "../support/read-helpers.js";

const server = sharedTestServer();
afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

interface Shown {
  url: string | null;
  items: string[];
  status: string;
}

interface ViewerProps {
  url: string | null;
  shown: Shown[];
  id?: string;
  initial?: string[];
}

/** Shows a JSON stream of strings and reports every commit: which url, which items. */
function Viewer({ url, shown, id = "viewer", initial }: ViewerProps): ReactNode {
  const { data, status } = useDurableStream<string>(url, { initial });
  useLayoutEffect(() => {
    shown.push({ url, items: data, status });
  });
  return (
    <div data-testid={id} data-status={status}>
      {data.join(",")}
    </div>
  );
}

async function streamOf(client: DurableStreamClient, label: string, items: string[]) {
  const url = uniquePath(label);
  const stream = client.stream(url);
  await stream.create({ contentType: "application/json" });
  for (const item of items) await stream.appendJson(item);
  return url;
}

const text = (id = "viewer") => screen.getByTestId(id).textContent;

describe("changing the url", () => {
  it("never shows the previous stream's data", async () => {
    const client = testClient(server(), { warnOnHttp: false });
    const a = await streamOf(client, "url-a", ["a1", "a2"]);
    const b = await streamOf(client, "url-b", ["b1"]);
    const shown: Shown[] = [];
    const view = render(inProvider(client, <Viewer url={a} shown={shown} />));
    await waitFor(() => expect(text()).toBe("a1,a2"));
    const before = shown.length;
    view.rerender(inProvider(client, <Viewer url={b} shown={shown} />));
    // The first commit for b already has none of a's items.
    expect(shown[before]!.url).toBe(b);
    expect(shown[before]!.items).toEqual([]);
    await waitFor(() => expect(text()).toBe("b1"));
    const afterChange = shown.slice(before);
    expect(afterChange.every((s) => s.url === b)).toBe(true);
    expect(afterChange.flatMap((s) => s.items).some((item) => item.startsWith("a"))).toBe(false);
  });

  it("switching to a stream already open (or back within the grace period) shows its own data at once", async () => {
    const tracker = trackingFetch();
    const client = testClient(server(), { fetch: tracker.fetch, warnOnHttp: false });
    const a = await streamOf(client, "url-a", ["a1"]);
    const b = await streamOf(client, "url-b", ["b1", "b2"]);
    const shown: Shown[] = [];
    const other: Shown[] = [];
    const tree = (url: string) =>
      inProvider(
        client,
        <>
          <Viewer url={url} shown={shown} />
          <Viewer url={b} shown={other} id="other" />
        </>,
        { gracePeriodMs: 2000 },
      );
    const view = render(tree(a));
    await waitFor(() => expect(text()).toBe("a1"));
    await waitFor(() => expect(text("other")).toBe("b1,b2"));
    let before = shown.length;
    view.rerender(tree(b));
    expect(shown[before]).toEqual({ url: b, items: ["b1", "b2"], status: "live" });
    // Back to a within the grace period: its session is still there, with its data.
    before = shown.length;
    view.rerender(tree(a));
    expect(shown[before]).toEqual({ url: a, items: ["a1"], status: "live" });
    expect(shown.slice(before).every((s) => !s.items.some((i) => i.startsWith("b")))).toBe(true);
    expect(tracker.catchUps(a)).toHaveLength(1);
    expect(tracker.catchUps(b)).toHaveLength(1);
  });
});

describe("url: null", () => {
  it("sends nothing, stays idle with the initial data, and starts once a url is given", async () => {
    const tracker = trackingFetch();
    const client = testClient(server(), { fetch: tracker.fetch, warnOnHttp: false });
    const url = await streamOf(client, "nullable", ["x"]);
    const sentBefore = tracker.requests.length;
    const shown: Shown[] = [];
    const tree = (target: string | null) =>
      inProvider(client, <Viewer url={target} shown={shown} initial={["seed"]} />, {
        gracePeriodMs: 100,
      });
    const view = render(tree(null));
    await act(() => delay(300));
    expect(tracker.requests.length).toBe(sentBefore);
    expect(screen.getByTestId("viewer").dataset.status).toBe("idle");
    expect(text()).toBe("seed");
    expect(shown.every((s) => s.status === "idle" && s.items.join() === "seed")).toBe(true);

    view.rerender(tree(url));
    await waitFor(() => expect(text()).toBe("seed,x"));
    expect(tracker.catchUps(url)).toHaveLength(1);

    // Disabled again: back to the initial data, and the session is released.
    view.rerender(tree(null));
    expect(text()).toBe("seed");
    expect(screen.getByTestId("viewer").dataset.status).toBe("idle");
    await waitFor(() => expect(tracker.forPath(url).every((r) => r.done)).toBe(true));
    expect(tracker.forPath(url).at(-1)!.signal?.aborted).toBe(true);
  });
});

describe("the provider", () => {
  it("keeps its sessions when it re-renders with an inline checkpoint store", async () => {
    const tracker = trackingFetch();
    const client = testClient(server(), { fetch: tracker.fetch, warnOnHttp: false });
    const url = await streamOf(client, "provider", ["p1"]);
    const shown: Shown[] = [];
    function App(): ReactNode {
      const [clicks, setClicks] = useState(0);
      return (
        <StrictMode>
          {/* The README's pattern: a new store object on every render. */}
          <DurableStreamsProvider client={client} checkpoints={memoryCheckpoints()}>
            <button data-testid="again" onClick={() => setClicks(clicks + 1)}>
              {clicks}
            </button>
            <Viewer url={url} shown={shown} />
          </DurableStreamsProvider>
        </StrictMode>
      );
    }
    render(<App />);
    await waitFor(() => expect(text()).toBe("p1"));
    const before = shown.length;
    for (let i = 0; i < 3; i++) act(() => screen.getByTestId("again").click());
    await act(() => delay(100));
    expect(shown.slice(before).every((s) => s.items.join() === "p1")).toBe(true);
    expect(tracker.catchUps(url)).toHaveLength(1);
  });
});

describe("outside a provider", () => {
  it("throws a clear error naming the provider", () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    expect(() =>
      render(
        <StrictMode>
          <Viewer url="/anything" shown={[]} />
        </StrictMode>,
      ),
    ).toThrow(/DurableStreamsProvider/);
  });
});
