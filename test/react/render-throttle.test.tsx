// @vitest-environment jsdom
import { useLayoutEffect, type ReactNode } from "react";
import { cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  IdempotentProducer,
  useDurableStream,
  type DurableStream,
  type LiveMode,
  type ReadAs,
  type Throttle,
} from "../../src/react/index.js";
import { inProvider } from "../support/react-harness.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";
import { delay } from "../support/read-helpers.js";

const server = sharedTestServer();
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

interface CountedProps {
  url: string;
  id: string;
  onCommit: (size: number) => void;
  throttle?: Throttle;
  live?: LiveMode;
  as?: ReadAs;
}

/** Reports the size of the data it shows on every commit. */
function Counted({ url, id, onCommit, throttle, live, as }: CountedProps): ReactNode {
  const { data, status } = useDurableStream<unknown, unknown[] | string>(url, {
    throttle,
    live,
    as,
  });
  useLayoutEffect(() => {
    onCommit(data.length);
  });
  return <div data-testid={id} data-status={status} data-size={data.length} />;
}

const sizeOf = (id: string) => Number(screen.getByTestId(id).dataset.size);
const statusOf = (id: string) => screen.getByTestId(id).dataset.status;

/** Appends `count` JSON messages through an idempotent producer, ten at a time. */
async function burst(stream: DurableStream, count: number, from: number): Promise<void> {
  const producer = new IdempotentProducer(stream, `burst-${from}`, {
    lingerMs: 0,
    autoClaim: true,
  });
  for (let i = 0; i < count; i += 10) {
    for (let j = i; j < Math.min(i + 10, count); j++) producer.append({ i: from + j });
    await delay(1);
  }
  await producer.flush();
  await producer.detach();
}

/** A requestAnimationFrame the test drives: frames run only when the test says. */
function fakeFrames() {
  const queue: FrameRequestCallback[] = [];
  let ran = 0;
  vi.stubGlobal("requestAnimationFrame", (callback: FrameRequestCallback) => {
    queue.push(callback);
    return queue.length;
  });
  return {
    run() {
      ran++;
      for (const callback of queue.splice(0)) callback(performance.now());
    },
    get ran() {
      return ran;
    },
    get requested() {
      return queue.length;
    },
  };
}

describe("a catch-up replay commits once", () => {
  it("2,000 JSON messages: every commit shows nothing or everything", async () => {
    const client = testClient(server(), { warnOnHttp: false });
    const url = uniquePath("replay");
    const stream = client.stream(url);
    await stream.create({ contentType: "application/json" });
    await burst(stream, 2000, 0);
    const commits: number[] = [];
    render(inProvider(client, <Counted url={url} id="r" onCommit={(n) => commits.push(n)} />));
    await waitFor(() => expect(sizeOf("r")).toBe(2000));
    await delay(100);
    expect(commits.every((n) => n === 0 || n === 2000)).toBe(true);
    expect(commits.filter((n) => n === 2000)).toHaveLength(1);
  });

  it("a text replay that arrives in several pieces is never shown in part", async () => {
    const client = testClient(server(), { warnOnHttp: false });
    const url = uniquePath("replay-text");
    const stream = client.stream(url);
    await stream.create({ contentType: "text/plain" });
    const part = "y".repeat(512 * 1024);
    for (let i = 0; i < 5; i++) await stream.append(part);
    const full = 5 * part.length;
    const commits: number[] = [];
    const statuses: string[] = [];
    function Probe(): ReactNode {
      const { data, status } = useDurableStream<string, string>(url, {
        as: "text",
        live: "long-poll",
        throttle: false,
      });
      useLayoutEffect(() => {
        commits.push(data.length);
        statuses.push(status);
      });
      return <div data-testid="r" data-size={data.length} data-status={status} />;
    }
    render(inProvider(client, <Probe />));
    await waitFor(() => expect(sizeOf("r")).toBe(full), { timeout: 5000 });
    // The pieces did arrive one by one: the view went through catching-up...
    expect(statuses).toContain("catching-up");
    // ...but never showed a partial replay, and showed the whole once.
    expect(commits.every((n) => n === 0 || n === full)).toBe(true);
    expect(commits.filter((n) => n === full)).toHaveLength(1);
    // Nothing visible changes on the empty long-poll answers after it: no more renders.
    await delay(1200);
    expect(commits.filter((n) => n === full)).toHaveLength(1);
  });
});

describe("render throttling of a fast live stream", () => {
  it("renders at most once per frame; false renders per update; ms coalesces", async () => {
    expect(typeof window.requestAnimationFrame).toBe("function"); // jsdom has one
    const frames = fakeFrames();
    const client = testClient(server(), { warnOnHttp: false });
    const url = uniquePath("fast");
    const stream = client.stream(url);
    await stream.create({ contentType: "application/json" });
    const commits: Record<string, number[]> = { a1: [], a2: [], b: [], c: [] };
    const counted = (id: string, throttle?: Throttle) => (
      <Counted url={url} id={id} throttle={throttle} onCommit={(n) => commits[id]!.push(n)} />
    );
    render(
      inProvider(
        client,
        <>
          {counted("a1")}
          {counted("a2", "frame")}
          {counted("b", false)}
          {counted("c", 100)}
        </>,
        { throttle: "frame" },
      ),
    );
    await waitFor(() => {
      frames.run();
      for (const id of ["a1", "a2", "b", "c"]) expect(statusOf(id)).toBe("live");
    });
    frames.run();
    await delay(20);
    for (const list of Object.values(commits)) list.length = 0;

    // Phase 1: no frame runs during a 2,000-message burst.
    const started = Date.now();
    const burstDone = burst(stream, 2000, 0);
    await waitFor(() => expect(sizeOf("b")).toBe(2000), { timeout: 10_000 });
    await waitFor(() => expect(sizeOf("c")).toBe(2000));
    const elapsed = Date.now() - started;
    await burstDone;
    // Per update: the un-throttled view rendered many times; the 100 ms one about once per 100 ms.
    expect(commits.b!.length).toBeGreaterThan(20);
    expect(commits.c!.length).toBeGreaterThanOrEqual(1);
    expect(commits.c!.length).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
    expect(commits.c!.length).toBeLessThan(commits.b!.length);
    // The frame views have not rendered at all: one frame is requested, for both of them.
    expect(commits.a1).toEqual([]);
    expect(commits.a2).toEqual([]);
    expect(frames.requested).toBe(1);
    frames.run();
    await waitFor(() => expect(sizeOf("a1")).toBe(2000));
    expect(sizeOf("a2")).toBe(2000);
    expect(commits.a1).toEqual([2000]);
    expect(commits.a2).toEqual([2000]);

    // Phase 2: frames tick every 16 ms during another burst.
    for (const list of Object.values(commits)) list.length = 0;
    const framesBefore = frames.ran;
    const ticker = setInterval(() => frames.run(), 16);
    try {
      await burst(stream, 1000, 2000);
      await waitFor(() => expect(sizeOf("a1")).toBe(3000), { timeout: 10_000 });
    } finally {
      clearInterval(ticker);
    }
    const framesDuring = frames.ran - framesBefore;
    expect(commits.a1!.length).toBeGreaterThanOrEqual(1);
    expect(commits.a1!.length).toBeLessThanOrEqual(framesDuring);
    expect(commits.a2!.length).toBeLessThanOrEqual(framesDuring);
    expect(sizeOf("b")).toBe(3000);
  });
});
