// @vitest-environment jsdom
import { StrictMode, type ReactNode } from "react";
import { act, cleanup, renderHook, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  IdempotentProducer,
  DurableStreamsProvider,
  memoryOutbox,
  NetworkError,
  StreamNotFoundError,
  useStreamProducer,
  type DurableStreamClient,
  type FetchFunction,
  type Outbox,
  type StreamsRuntime,
  type UseStreamProducerOptions,
} from "../../src/react/index.js";
import { useStreamsContext } from "../../src/react/context.js";
import { producerKey } from "../../src/sync/runtime-producers.js";
import { clearFaults, injectFault } from "../support/faults.js";
import { Wire, readBackText } from "../support/producer-wire.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";

const server = sharedTestServer();

/** The key producers.ts keeps this tab's producer id under. */
const TAB_ID_KEY = "react-durable-streams:tab-id";
const GRACE_MS = 100;

/** Every provider runtime a test mounted: disposed after it, so no grace timer outlives the file. */
const runtimes = new Set<StreamsRuntime>();

afterEach(async () => {
  // No vitest globals, so Testing Library cannot register its cleanup by itself.
  cleanup();
  await Promise.all([...runtimes].map((runtime) => runtime.dispose()));
  runtimes.clear();
  vi.unstubAllGlobals();
});

/**
 * jsdom's global Uint8Array is not Node's, which TextEncoder (and so the client's request
 * bodies) uses: copy bodies into this realm's Uint8Array so that Wire can record them.
 */
function sameRealmBodies(wire: Wire): FetchFunction {
  return (input, init) =>
    wire.fetch(
      input,
      ArrayBuffer.isView(init.body)
        ? { ...init, body: Uint8Array.from(init.body as unknown as ArrayLike<number>) }
        : init,
    );
}

async function setup(contentType = "text/plain") {
  const wire = new Wire();
  const client = testClient(server(), { fetch: sameRealmBodies(wire), warnOnHttp: false });
  const url = uniquePath("producer");
  const stream = client.stream(url);
  await stream.create({ contentType });
  return { wire, client, url, stream, readBack: () => readBackText(server().url, url) };
}

/** Renders the hook inside <StrictMode> and a provider; also returns the provider's runtime. */
function mount(
  client: DurableStreamClient,
  url: string,
  options: UseStreamProducerOptions = {},
  gracePeriodMs = GRACE_MS,
  outbox?: Outbox,
) {
  const wrapper = ({ children }: { children: ReactNode }) => (
    <StrictMode>
      <DurableStreamsProvider client={client} gracePeriodMs={gracePeriodMs} outbox={outbox}>
        {children}
      </DurableStreamsProvider>
    </StrictMode>
  );
  return renderHook(
    () => {
      const { runtime } = useStreamsContext();
      runtimes.add(runtime);
      return { producer: useStreamProducer(url, options), runtime };
    },
    { wrapper },
  );
}

function memoryStorage(): Storage {
  const map = new Map<string, string>();
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (key) => map.get(key) ?? null,
    key: (index) => [...map.keys()][index] ?? null,
    removeItem: (key) => void map.delete(key),
    setItem: (key, value) => void map.set(key, String(value)),
  };
}

const hasStreamClosed = (r: { headers: Headers }) => r.headers.has("stream-closed");

describe("useStreamProducer", () => {
  it("delivers appends exactly once through one producer shared across StrictMode's double mount", async () => {
    const { wire, client, url, readBack } = await setup();
    const streamSpy = vi.spyOn(client, "stream");
    const { result } = mount(client, url);
    await act(async () => {
      result.current.producer.append("a");
      result.current.producer.append("b");
      result.current.producer.append(new Uint8Array([99])); // "c" as bytes
      await result.current.producer.flush();
    });
    expect(await readBack()).toBe("abc");
    // StrictMode mounted, unmounted and mounted again: still one producer, one handle, one ref.
    const { runtime } = result.current;
    expect(streamSpy.mock.calls.filter(([path]) => path === url)).toHaveLength(1);
    expect(runtime.producers.list()).toHaveLength(1);
    expect(runtime.producers.refs(producerKey(url, undefined))).toBe(1);
    // One epoch, sequences never reused: nothing was taken for a duplicate.
    const posts = wire.producerPosts;
    expect(posts.every((r) => r.producer!.epoch === 0 && r.status === 200)).toBe(true);
    const seqs = posts.map((r) => r.producer!.seq);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(result.current.producer.epoch).toBe(0);
  });

  it("uses this tab's producer id from sessionStorage: same across remounts, new for another tab", async () => {
    const { wire, client, url, readBack } = await setup();
    const first = mount(client, url);
    await act(async () => {
      first.result.current.producer.append("1");
      await first.result.current.producer.flush();
    });
    const tabId = sessionStorage.getItem(TAB_ID_KEY);
    expect(tabId).toMatch(/^tab-/);
    first.unmount();

    const second = mount(client, url);
    await act(async () => {
      second.result.current.producer.append("2");
      await second.result.current.producer.flush();
    });
    second.unmount();

    // Another tab: its own sessionStorage, so its own id.
    const otherTab = memoryStorage();
    vi.stubGlobal("sessionStorage", otherTab);
    const third = mount(client, url);
    await act(async () => {
      third.result.current.producer.append("3");
      await third.result.current.producer.flush();
    });
    third.unmount();

    const ids = wire.producerPosts.map((r) => r.producer!.id);
    expect(ids).toHaveLength(3);
    expect(ids[0]).toBe(tabId);
    expect(ids[1]).toBe(tabId);
    expect(ids[2]).not.toBe(tabId);
    expect(otherTab.getItem(TAB_ID_KEY)).toBe(ids[2]);
    expect(await readBack()).toBe("123");
  });

  it("claims a higher epoch (autoClaim) when another producer with its id fenced it", async () => {
    const { wire, client, url, readBack } = await setup();
    const { result } = mount(client, url);
    await act(async () => {
      result.current.producer.append("a");
      await result.current.producer.flush();
    });
    // A second writer with the same id (a restarted worker) claims epoch 5.
    const rival = new IdempotentProducer(client.stream(url), sessionStorage.getItem(TAB_ID_KEY)!, {
      epoch: 5,
    });
    rival.append("X");
    await rival.flush();
    await act(async () => {
      result.current.producer.append("b");
      await result.current.producer.flush();
    });
    expect(await readBack()).toBe("aXb");
    expect(wire.producerPosts.some((r) => r.status === 403)).toBe(true);
    await waitFor(() => expect(result.current.producer.epoch).toBe(6));
    await waitFor(() => expect(result.current.producer.status).toBe("idle"));
    expect(result.current.producer.error).toBeUndefined();
  });

  it("never closes the stream on unmount: detaches after the grace period, flushing what is pending", async () => {
    const { wire, client, url, stream, readBack } = await setup();
    const first = mount(client, url, { lingerMs: 60_000 });
    const { runtime } = first.result.current;
    const key = producerKey(url, undefined);
    const shared = runtime.producers.peek(key)!;
    act(() => first.result.current.producer.append("pending"));
    await waitFor(() => expect(first.result.current.producer.pendingCount).toBe(1));
    first.unmount();
    // Within the grace period the producer lives on (a quick remount would reuse it).
    expect(runtime.producers.peek(key)).toBe(shared);
    expect(shared.producer.stopped).toBe(false);
    // After it: detached (flushed, then stopped) and gone from the registry.
    await waitFor(() => expect(shared.producer.stopped).toBe(true));
    expect(runtime.producers.peek(key)).toBeUndefined();
    expect(await readBack()).toBe("pending");
    expect((await stream.head()).closed).toBe(false);

    // A new mount gets a new producer that can write (it must not restart at the old
    // epoch, or the server would drop its first appends as duplicates).
    const second = mount(client, url);
    await act(async () => {
      second.result.current.producer.append("+more");
      await second.result.current.producer.flush();
    });
    expect(second.result.current.producer.epoch).toBeGreaterThan(shared.producer.epoch);
    expect(await readBack()).toBe("pending+more");
    second.unmount();
    await waitFor(() => expect(runtime.producers.list()).toHaveLength(0));
    expect((await stream.head()).closed).toBe(false);
    expect(wire.requests.filter(hasStreamClosed)).toEqual([]);
  });

  it("flushes on pagehide and when the page becomes hidden, before the linger time", async () => {
    const { client, url, readBack } = await setup();
    const { result } = mount(client, url, { lingerMs: 60_000 });
    act(() => result.current.producer.append("one"));
    await waitFor(() => expect(result.current.producer.pendingCount).toBe(1));
    expect(result.current.producer.status).toBe("sending");
    window.dispatchEvent(new Event("pagehide"));
    await waitFor(async () => expect(await readBack()).toBe("one"), { timeout: 5000 });

    act(() => result.current.producer.append("two"));
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => "hidden" });
    try {
      document.dispatchEvent(new Event("visibilitychange"));
    } finally {
      delete (document as { visibilityState?: unknown }).visibilityState;
    }
    await waitFor(async () => expect(await readBack()).toBe("onetwo"), { timeout: 5000 });
    await waitFor(() => expect(result.current.producer.status).toBe("idle"));
  });

  it("reports status, counters and the acknowledged offset", async () => {
    const { wire, client, url, stream } = await setup();
    const { result } = mount(client, url);
    expect(result.current.producer).toMatchObject({
      status: "idle",
      pendingCount: 0,
      inFlightCount: 0,
      lastOffset: undefined,
      error: undefined,
    });
    const hold = wire.hold((r) => r.method === "POST" && r.producer !== undefined);
    act(() => result.current.producer.append("held"));
    await waitFor(() => expect(hold.held).toHaveLength(1));
    await waitFor(() =>
      expect(result.current.producer).toMatchObject({
        status: "sending",
        inFlightCount: 1,
        pendingCount: 0,
      }),
    );
    hold.release();
    const tail = await waitFor(async () => {
      expect(result.current.producer.status).toBe("idle");
      return (await stream.head()).offset;
    });
    expect(result.current.producer.inFlightCount).toBe(0);
    expect(result.current.producer.lastOffset).toBe(tail);
  });

  it("exposes a batch failure as error and status 'error'", async () => {
    const { client, url, stream } = await setup();
    const { result } = mount(client, url);
    await act(async () => {
      result.current.producer.append("a");
      await result.current.producer.flush();
    });
    await stream.delete();
    let flushError: unknown;
    await act(async () => {
      result.current.producer.append("b");
      flushError = await result.current.producer.flush().catch((error: unknown) => error);
    });
    expect(flushError).toBeInstanceOf(StreamNotFoundError);
    await waitFor(() => expect(result.current.producer.error).toBe(flushError));
    expect(result.current.producer.status).toBe("error");
  });

  it("after a failure that may have been stored, sends again only after restart()", async () => {
    const { client, url, readBack } = await setup();
    const { result } = mount(client, url, { deliveryTimeoutMs: 300 });
    await act(async () => {
      result.current.producer.append("a;");
      await result.current.producer.flush();
    });
    // Every POST's connection drops: the batch may be stored, so the producer holds still.
    await injectFault(server().url, url, { dropConnection: true, count: 1_000, method: "POST" });
    let flushError: unknown;
    await act(async () => {
      result.current.producer.append("b;");
      flushError = await result.current.producer.flush().catch((error: unknown) => error);
    });
    expect((flushError as NetworkError).outcomeUnknown).toBe(true);
    await clearFaults(server().url);
    const epochBefore = result.current.producer.epoch;
    await act(async () => {
      await result.current.producer.restart();
      result.current.producer.append("c;");
      await result.current.producer.flush();
    });
    await waitFor(() => expect(result.current.producer.epoch).toBe(epochBefore + 1));
    expect(await readBack()).toBe("a;c;");
  });

  it("closes the stream only when close() is called", async () => {
    const { wire, client, url, stream, readBack } = await setup();
    const { result } = mount(client, url);
    await act(async () => {
      result.current.producer.append("body");
      await result.current.producer.flush();
    });
    expect((await stream.head()).closed).toBe(false);
    expect(wire.requests.filter(hasStreamClosed)).toEqual([]);
    let finalOffset: string | undefined;
    await act(async () => {
      finalOffset = (await result.current.producer.close(".")).finalOffset;
    });
    const head = await stream.head();
    expect(head.closed).toBe(true);
    expect(finalOffset).toBe(head.offset);
    expect(await readBack()).toBe("body.");
    expect(wire.requests.filter(hasStreamClosed)).toHaveLength(1);
    await waitFor(() => expect(result.current.producer.status).toBe("stopped"));
  });

  it("durable: pending shows the writes until acknowledged; a later page sends what an earlier one left, once", async () => {
    const { wire, client, url, readBack } = await setup();
    const outbox = memoryOutbox();
    const held = wire.hold((request) => request.method === "POST");
    const first = mount(client, url, { durable: true }, GRACE_MS, outbox);
    act(() => {
      first.result.current.producer.append("a;");
      first.result.current.producer.append("b;");
    });
    await waitFor(() => expect(first.result.current.producer.pending).toEqual(["a;", "b;"]));
    expect(first.result.current.producer.status).toBe("sending");
    expect((await outbox.store.records()).map((record) => record.message)).toEqual(["a;", "b;"]);
    // The page goes while its first batch is on the wire: the provider's runtime is disposed.
    first.unmount();
    void first.result.current.runtime.dispose();
    runtimes.delete(first.result.current.runtime);

    // The next page of this tab: another client (another runtime), the same outbox and tab id.
    const next = testClient(server(), { warnOnHttp: false });
    const second = mount(next, url, { durable: true }, GRACE_MS, outbox);
    await waitFor(() => expect(second.result.current.producer.pending).toEqual([]), {
      timeout: 5000,
    });
    act(() => second.result.current.producer.append("c;"));
    await act(() => second.result.current.producer.flush());
    expect(await readBack()).toBe("a;b;c;");
    expect(await outbox.store.records()).toEqual([]);
    held.release();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await readBack(), "the first page's batch, released late, is a duplicate").toBe(
      "a;b;c;",
    );
  });

  it("durable without an outbox on the provider is an InvalidArgumentError while rendering", async () => {
    const { client, url } = await setup();
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    expect(() => mount(client, url, { durable: true })).toThrow(/outbox=\{indexedDbOutbox\(\)\}/);
  });
});
