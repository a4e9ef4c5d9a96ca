// @vitest-environment node
// Server rendering runs in Node, with no window, document or IndexedDB.
import { Suspense, type ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import { indexedDbCheckpoints } from "../../src/idb/index.js";
import {
  DurableStreamsProvider,
  StreamStatus,
  StreamText,
  useDurableStream,
  useSuspenseDurableStream,
  DurableStreamClient,
} from "../../src/react/index.js";
import { recordingFetch } from "../support/counting-fetch.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";
import { tailOffset, type Msg } from "./checkpoint-helpers.js";
import { delay } from "../support/read-helpers.js";

const server = sharedTestServer();

afterEach(() => {
  vi.restoreAllMocks();
});

function Chat({
  url,
  initialData,
}: {
  url: string;
  initialData?: { state: Msg[]; offset: string };
}): ReactNode {
  const { data, status } = useDurableStream<Msg>(url, {
    persist: "chat",
    ...(initialData ? { initialData } : {}),
  });
  return (
    <section>
      <StreamStatus status={status} />
      <ol>
        {data.map((m) => (
          <li key={m.n}>{m.n}</li>
        ))}
      </ol>
    </section>
  );
}

function SuspenseChat({ url }: { url: string }): ReactNode {
  const { data, status } = useSuspenseDurableStream<Msg>(url, { persist: "chat" });
  return <p data-status={status}>{`${data.length} messages`}</p>;
}

function App({ client, url }: { client: DurableStreamClient; url: string }): ReactNode {
  return (
    <DurableStreamsProvider client={client} checkpoints={indexedDbCheckpoints()}>
      <Chat url={url} />
      <StreamText url={`${url}-text`} persist="text" placeholder="…" />
    </DurableStreamsProvider>
  );
}

/**
 * Renders with fake timers installed, so any timer the render leaves behind
 * (a session's grace period, a checkpoint timer, a retry) is counted.
 */
function renderCountingTimers(element: ReactNode): { html: string; timers: number } {
  vi.useFakeTimers();
  try {
    const html = renderToString(element);
    return { html, timers: vi.getTimerCount() };
  } finally {
    vi.useRealTimers();
  }
}

describe("server rendering", () => {
  it("renders a relative stream URL on a client with no baseUrl (as in a Next.js server render)", () => {
    // The browser resolves "/streams/..." against its origin; the server has none and reads nothing.
    const client = new DurableStreamClient({ warnOnHttp: false });
    const html = renderToString(
      <DurableStreamsProvider client={client}>
        <Chat url="/streams/relative" />
        <StreamText url="/streams/relative-text" placeholder="…" />
      </DurableStreamsProvider>,
    );
    expect(html).toContain('data-status="idle"');
  });

  it("renders the initial state without any I/O, and leaves no timers behind", async () => {
    expect(typeof window).toBe("undefined");
    const url = uniquePath("ssr");
    await testClient(server()).stream(url).create({ contentType: "application/json" });
    await testClient(server()).stream(url).appendJson({ n: 1 });
    const warn = vi.spyOn(console, "warn");
    const recorder = recordingFetch();
    const client = testClient(server(), { fetch: recorder.fetch });
    const { html, timers } = renderCountingTimers(<App client={client} url={url} />);
    expect(timers).toBe(0);

    expect(html).toContain('data-status="idle"');
    expect(html).toContain("Idle");
    expect(html).toContain("<ol></ol>");
    expect(html).toContain("…"); // StreamText's placeholder
    await delay(300);
    expect(recorder.requests).toEqual([]);
    // No "IndexedDB is unavailable" noise on every server render.
    expect(warn).not.toHaveBeenCalled();
  });

  it("renders the Suspense hook's initial state without I/O instead of suspending", async () => {
    const url = uniquePath("ssr-suspense");
    await testClient(server()).stream(url).create({ contentType: "application/json" });
    await testClient(server()).stream(url).appendJson({ n: 1 });
    const recorder = recordingFetch();
    const { html, timers } = renderCountingTimers(
      <DurableStreamsProvider client={testClient(server(), { fetch: recorder.fetch })}>
        <Suspense fallback={<i>loading</i>}>
          <SuspenseChat url={url} />
        </Suspense>
      </DurableStreamsProvider>,
    );
    expect(timers).toBe(0);
    expect(html).toContain("0 messages");
    expect(html).not.toContain("loading");
    await delay(300);
    expect(recorder.requests).toEqual([]);
  });

  it("renders initialData on the server", async () => {
    const url = uniquePath("ssr-initial");
    const writer = testClient(server());
    await writer.stream(url).create({ contentType: "application/json" });
    await writer.stream(url).appendJson({ n: 1 });
    await writer.stream(url).appendJson({ n: 2 });
    const offset = await tailOffset(writer, url);
    const recorder = recordingFetch();
    const html = renderToString(
      <DurableStreamsProvider client={testClient(server(), { fetch: recorder.fetch })}>
        <Chat url={url} initialData={{ state: [{ n: 1 }, { n: 2 }], offset }} />
      </DurableStreamsProvider>,
    );
    expect(html).toContain("<li>1</li><li>2</li>");
    await delay(50);
    expect(recorder.requests).toEqual([]);
  });
});
