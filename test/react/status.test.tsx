// @vitest-environment jsdom
import type { ReactNode } from "react";
import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import {
  StreamNotFoundError,
  useDurableStream,
  type DurableStreamResult,
  type LiveMode,
  type ReadAs,
  type DurableStreamStatus,
} from "../../src/react/index.js";
import { injectFault } from "../support/faults.js";
import { inProvider } from "../support/react-harness.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";
import { trackingFetch } from "../support/tracking-fetch.js";
import { delay } from "../support/read-helpers.js";

const server = sharedTestServer();
afterEach(cleanup);

interface Seen {
  status: DurableStreamStatus;
  retryAt: number | undefined;
  error: Error | undefined;
  size: number;
  at: number;
}

/** Everything a probe rendered, and its latest result. */
interface Probe {
  seen: Seen[];
  latest: DurableStreamResult<unknown> | undefined;
}

const newProbe = (): Probe => ({ seen: [], latest: undefined });

function sizeOf(data: unknown): number {
  return typeof data === "string" || Array.isArray(data) ? data.length : -1;
}

function StatusProbe(props: {
  url: string;
  probe: Probe;
  live?: LiveMode;
  as?: ReadAs;
}): ReactNode {
  const result = useDurableStream<unknown, unknown>(props.url, { live: props.live, as: props.as });
  // A test probe: it records every render on purpose, which the compiler rules forbid in app code.
  /* eslint-disable react-hooks/purity, react-hooks/immutability */
  props.probe.seen.push({
    status: result.status,
    retryAt: result.retryAt,
    error: result.error,
    size: sizeOf(result.data),
    at: Date.now(),
  });
  props.probe.latest = result;
  /* eslint-enable react-hooks/purity, react-hooks/immutability */
  return (
    <div data-testid="probe" data-status={result.status}>
      {sizeOf(result.data)}
    </div>
  );
}

/** The rendered statuses, without consecutive repeats. */
function statuses(probe: Probe): DurableStreamStatus[] {
  return probe.seen
    .map((s) => s.status)
    .filter((status, i, all) => i === 0 || all[i - 1] !== status);
}

const shownStatus = () => screen.getByTestId("probe").dataset.status;

function setup() {
  const tracker = trackingFetch();
  const client = testClient(server(), { fetch: tracker.fetch, warnOnHttp: false });
  const url = uniquePath("status");
  return { tracker, client, url, stream: client.stream(url) };
}

describe("status transitions", () => {
  it("idle → connecting → live for a stream the server answers in one response", async () => {
    const { client, url, stream } = setup();
    await stream.create({ contentType: "application/json" });
    await stream.appendJson({ n: 1 });
    const probe = newProbe();
    render(inProvider(client, <StatusProbe url={url} probe={probe} />));
    await waitFor(() => expect(shownStatus()).toBe("live"));
    expect(statuses(probe)).toEqual(["idle", "connecting", "live"]);
    expect(probe.latest?.isUpToDate).toBe(true);
    expect(probe.latest?.offset).toBeTypeOf("string");
  });

  it("shows catching-up while a replay needs more than one piece (a text stream over 1 MiB)", async () => {
    const { client, url, stream } = setup();
    await stream.create({ contentType: "text/plain" });
    const part = "x".repeat(512 * 1024);
    for (let i = 0; i < 5; i++) await stream.append(part);
    const probe = newProbe();
    render(inProvider(client, <StatusProbe url={url} probe={probe} live="long-poll" />));
    await waitFor(() => expect(shownStatus()).toBe("live"), { timeout: 5000 });
    expect(statuses(probe)).toEqual(["idle", "connecting", "catching-up", "live"]);
    // While catching up, nothing of the replay was shown.
    for (const seen of probe.seen) expect([0, 5 * part.length]).toContain(seen.size);
  });

  it("ends in closed when the stream closes, with nothing more requested", async () => {
    const { tracker, client, url, stream } = setup();
    await stream.create({ contentType: "application/json" });
    await stream.appendJson("a");
    const probe = newProbe();
    render(inProvider(client, <StatusProbe url={url} probe={probe} live="long-poll" />));
    await waitFor(() => expect(shownStatus()).toBe("live"));
    await act(async () => {
      await stream.close();
    });
    await waitFor(() => expect(shownStatus()).toBe("closed"));
    expect(probe.latest?.closed).toBe(true);
    expect(probe.latest?.isUpToDate).toBe(true);
    expect(probe.latest?.data).toEqual(["a"]);
    const sent = tracker.forPath(url).length;
    await act(() => delay(700));
    expect(tracker.forPath(url)).toHaveLength(sent);
  });

  it("a finished live: off read settles in idle, up to date", async () => {
    const { client, url, stream } = setup();
    await stream.create({ contentType: "application/json" });
    await stream.appendJson("a");
    const probe = newProbe();
    render(inProvider(client, <StatusProbe url={url} probe={probe} live="off" />));
    await waitFor(() => expect(probe.latest?.isUpToDate).toBe(true));
    expect(shownStatus()).toBe("idle");
    expect(probe.latest?.data).toEqual(["a"]);
    expect(statuses(probe)).toEqual(["idle", "connecting", "idle"]);
  });

  it("goes reconnecting (with retryAt) on transient faults while live, then back to live with complete data", async () => {
    const { client, url, stream } = setup();
    await stream.create({ contentType: "application/json" });
    await stream.appendJson("a");
    const probe = newProbe();
    render(inProvider(client, <StatusProbe url={url} probe={probe} live="long-poll" />));
    await waitFor(() => expect(shownStatus()).toBe("live"));
    await injectFault(server().url, url, { status: 503, count: 2, method: "GET" });
    // New data ends the waiting long-poll; the next two requests meet the 503s.
    await act(async () => {
      await stream.appendJson("b");
    });
    await waitFor(() => expect(probe.seen.some((s) => s.status === "reconnecting")).toBe(true));
    const reconnecting = probe.seen.find((s) => s.status === "reconnecting")!;
    expect(reconnecting.retryAt).toBeTypeOf("number");
    expect(reconnecting.error?.message).toMatch(/503|unavailable|Injected/i);
    await act(async () => {
      await stream.appendJson("c");
    });
    await waitFor(() => expect(shownStatus()).toBe("live"));
    await waitFor(() => expect(probe.latest?.data).toEqual(["a", "b", "c"]));
    expect(probe.latest?.error).toBeUndefined();
    expect(probe.latest?.retryAt).toBeUndefined();
    const order = statuses(probe);
    expect(order.slice(0, 3)).toEqual(["idle", "connecting", "live"]);
    expect(order.indexOf("reconnecting")).toBeGreaterThan(2);
    expect(order.at(-1)).toBe("live");
  });

  it("restarts the read after the client's retries give up, and retry() skips the wait", async () => {
    const { tracker, client, url, stream } = setup();
    await stream.create({ contentType: "application/json" });
    await stream.appendJson("a");
    const probe = newProbe();
    render(inProvider(client, <StatusProbe url={url} probe={probe} live="long-poll" />));
    await waitFor(() => expect(shownStatus()).toBe("live"));
    // The client tries 4 times (maxRetries 3); the 5th request, the session's restart, succeeds.
    await injectFault(server().url, url, { status: 503, count: 4, method: "GET" });
    await act(async () => {
      await stream.appendJson("b");
    });
    // The session's own backoff (about a second): a retryAt well in the future.
    await waitFor(() => {
      const last = probe.seen.at(-1)!;
      expect(last.status).toBe("reconnecting");
      expect(last.retryAt! - last.at).toBeGreaterThan(500);
    });
    const retryAt = probe.seen.at(-1)!.retryAt!;
    act(() => probe.latest!.retry());
    await waitFor(() => expect(shownStatus()).toBe("live"));
    expect(Date.now()).toBeLessThan(retryAt);
    expect(statuses(probe).slice(-3)).toEqual(["reconnecting", "connecting", "live"]);
    await act(async () => {
      await stream.appendJson("c");
    });
    await waitFor(() => expect(probe.latest?.data).toEqual(["a", "b", "c"]));
    // The restart resumed from the last offset with a plain GET.
    const catchUps = tracker.catchUps(url);
    expect(catchUps.length).toBeGreaterThanOrEqual(2);
    expect(catchUps.at(-1)!.url.searchParams.get("offset")).not.toBe("-1");
  });

  it("stops in error for a missing stream (404), and retry() leaves it once the stream exists", async () => {
    const { client, url, stream } = setup();
    const probe = newProbe();
    render(inProvider(client, <StatusProbe url={url} probe={probe} live="long-poll" />));
    await waitFor(() => expect(shownStatus()).toBe("error"));
    expect(probe.latest?.error).toBeInstanceOf(StreamNotFoundError);
    // It stays there: no retry on its own.
    await act(() => delay(300));
    expect(shownStatus()).toBe("error");
    await stream.create({ contentType: "application/json" });
    await stream.appendJson("hello");
    act(() => probe.latest!.retry());
    await waitFor(() => expect(shownStatus()).toBe("live"));
    expect(probe.latest?.data).toEqual(["hello"]);
    expect(probe.latest?.error).toBeUndefined();
    expect(statuses(probe)).toEqual(["idle", "connecting", "error", "connecting", "live"]);
  });

  it("goes to error when the stream is deleted while live", async () => {
    const { client, url, stream } = setup();
    await stream.create({ contentType: "application/json" });
    await stream.appendJson("a");
    const probe = newProbe();
    render(inProvider(client, <StatusProbe url={url} probe={probe} live="long-poll" />));
    await waitFor(() => expect(shownStatus()).toBe("live"));
    await act(async () => {
      await stream.delete();
    });
    await waitFor(() => expect(shownStatus()).toBe("error"));
    expect(probe.latest?.error).toBeInstanceOf(StreamNotFoundError);
    // What was read stays visible.
    expect(probe.latest?.data).toEqual(["a"]);
  });
});
