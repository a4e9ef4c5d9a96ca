// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type CheckpointRecord, type CheckpointStore } from "../../src/sync/index.js";
import { CheckpointWriter } from "../../src/sync/checkpoint-writer.js";
import { countingStore } from "../support/counting-store.js";

function record(n: number): CheckpointRecord {
  return {
    url: "/s",
    version: "1",
    state: Array.from({ length: n }, (_, i) => i + 1),
    offset: `0000000000000000_${String(n).padStart(16, "0")}`,
    cursor: `c${n}`,
    closed: false,
    savedAt: n,
  };
}

function setVisibility(state: DocumentVisibilityState): void {
  Object.defineProperty(document, "visibilityState", { configurable: true, get: () => state });
  document.dispatchEvent(new Event("visibilitychange"));
}

describe("CheckpointWriter", () => {
  const writers: CheckpointWriter[] = [];
  const make = (store: CheckpointStore, intervalMs = 1000, onError = (_: unknown) => {}) => {
    const writer = new CheckpointWriter(store, "k", intervalMs, onError);
    writers.push(writer);
    return writer;
  };

  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(async () => {
    vi.useRealTimers();
    for (const writer of writers.splice(0)) await writer.close();
    Reflect.deleteProperty(document, "visibilityState");
  });

  it("coalesces the records saved within one interval into one write of the latest", async () => {
    const { store, puts } = countingStore();
    const writer = make(store, 1000);
    for (let n = 1; n <= 5; n++) {
      writer.save(record(n));
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(puts).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(600);
    expect(puts.map((put) => put.record)).toEqual([record(5)]);
    // Nothing new: the timer does not write again.
    await vi.advanceTimersByTimeAsync(5000);
    expect(puts).toHaveLength(1);
    writer.save(record(6));
    writer.save(record(7));
    await vi.advanceTimersByTimeAsync(1000);
    expect(puts.map((put) => put.record)).toEqual([record(5), record(7)]);
    expect(await store.get("k")).toEqual(record(7));
  });

  it("writes at once on pagehide", async () => {
    const { store, puts } = countingStore();
    const writer = make(store, 60_000);
    writer.save(record(1));
    writer.save(record(2));
    window.dispatchEvent(new Event("pagehide"));
    await vi.advanceTimersByTimeAsync(0);
    expect(puts.map((put) => put.record)).toEqual([record(2)]);
    // The timer was cancelled by the flush: no second write of the same record.
    await vi.advanceTimersByTimeAsync(60_000);
    expect(puts).toHaveLength(1);
  });

  it("starts the pagehide write within the event's own task, marked urgent", () => {
    const { store, puts } = countingStore();
    const writer = make(store, 60_000);
    writer.save(record(1));
    writer.save(record(2));
    window.dispatchEvent(new Event("pagehide"));
    // No await, no timers: a closing page runs no later task.
    expect(puts.map((put) => put.record)).toEqual([record(2)]);
    expect(puts.map((put) => put.urgent)).toEqual([true]);
  });

  it("listens to beforeunload only while something is unsaved, and writes urgently on it", async () => {
    const { store, puts } = countingStore();
    // Spies that call through: count the beforeunload listeners added and removed.
    const add = vi.spyOn(window, "addEventListener");
    const remove = vi.spyOn(window, "removeEventListener");
    const count = (spy: typeof add | typeof remove) =>
      spy.mock.calls.filter(([type]) => type === "beforeunload").length;
    const listening = () => count(add) - count(remove);
    try {
      const writer = make(store, 60_000);
      expect(listening()).toBe(0);
      writer.save(record(1));
      writer.save(record(2));
      expect(listening()).toBe(1);
      window.dispatchEvent(new Event("beforeunload"));
      expect(puts.map((put) => put.record)).toEqual([record(2)]);
      expect(puts.map((put) => put.urgent)).toEqual([true]);
      await writer.flush();
      // Saved: no listener left to keep the page out of the back/forward cache.
      expect(listening()).toBe(0);
      writer.save(record(3));
      expect(listening()).toBe(1);
      await writer.close();
      expect(listening()).toBe(0);
      expect(puts.map((put) => put.record)).toEqual([record(2), record(3)]);
    } finally {
      add.mockRestore();
      remove.mockRestore();
    }
  });

  it("beforeunload, pagehide and hidden in a row make one urgent write, not three", () => {
    const { store, puts } = countingStore();
    const writer = make(store, 60_000);
    writer.save(record(1));
    window.dispatchEvent(new Event("beforeunload"));
    window.dispatchEvent(new Event("pagehide"));
    setVisibility("hidden");
    expect(puts.map((put) => put.record)).toEqual([record(1)]);
    expect(puts.map((put) => put.urgent)).toEqual([true]);
  });

  it("on pagehide, does not wait for the write in progress and repeats its record", async () => {
    const { store: inner, puts } = countingStore();
    let release = () => {};
    const stalled = new Promise<void>((resolve) => (release = resolve));
    let hang = true;
    const store: CheckpointStore = {
      ...inner,
      // The first write never completes, as when a closing page aborts its transaction.
      put: (key, value, options) => {
        const result = inner.put(key, value, options);
        return hang ? stalled : result;
      },
    };
    const writer = make(store, 1000);
    writer.save(record(1));
    await vi.advanceTimersByTimeAsync(1000);
    expect(puts.map((put) => put.record)).toEqual([record(1)]);
    hang = false;
    window.dispatchEvent(new Event("pagehide"));
    expect(puts.map((put) => put.record)).toEqual([record(1), record(1)]);
    expect(puts.map((put) => put.urgent)).toEqual([false, true]);
    // A newer queued record is what an urgent write sends, still without waiting.
    writer.save(record(2));
    window.dispatchEvent(new Event("pagehide"));
    expect(puts.map((put) => put.record)).toEqual([record(1), record(1), record(2)]);
    expect(puts.map((put) => put.urgent)).toEqual([false, true, true]);
    release();
    await writer.flush();
    expect(await inner.get("k")).toEqual(record(2));
  });

  it("writes at once when the page becomes hidden, not when it becomes visible", async () => {
    const { store, puts } = countingStore();
    const writer = make(store, 60_000);
    writer.save(record(1));
    setVisibility("visible");
    await vi.advanceTimersByTimeAsync(0);
    expect(puts).toHaveLength(0);
    setVisibility("hidden");
    await vi.advanceTimersByTimeAsync(0);
    expect(puts.map((put) => put.record)).toEqual([record(1)]);
  });

  it("writes what is queued on close and stops listening to the page", async () => {
    const { store, puts } = countingStore();
    const writer = make(store, 60_000);
    writer.save(record(3));
    await writer.close();
    expect(puts.map((put) => put.record)).toEqual([record(3)]);
    writer.save(record(4));
    window.dispatchEvent(new Event("pagehide"));
    await vi.advanceTimersByTimeAsync(0);
    expect(puts.map((put) => put.record)).toEqual([record(3)]);
  });

  it("discards: drops the queued record and deletes the stored one", async () => {
    const { store, puts, deletes } = countingStore();
    const writer = make(store, 1000);
    writer.save(record(1));
    await writer.flush();
    writer.save(record(2));
    await writer.discard();
    await vi.advanceTimersByTimeAsync(5000);
    expect(puts.map((put) => put.record)).toEqual([record(1)]);
    expect(deletes).toEqual(["k"]);
    expect(await store.get("k")).toBeUndefined();
  });

  it("reports a failing write instead of throwing, and keeps writing afterwards", async () => {
    const { store: inner, puts } = countingStore();
    let fail = true;
    const store: CheckpointStore = {
      ...inner,
      put: (key, value) => (fail ? Promise.reject(new Error("quota")) : inner.put(key, value)),
    };
    const errors: unknown[] = [];
    const writer = make(store, 1000, (e) => errors.push(e));
    writer.save(record(1));
    await writer.flush(); // resolves: the failure is reported, not thrown
    expect(errors).toHaveLength(1);
    fail = false;
    writer.save(record(2));
    await writer.flush();
    expect(puts.map((put) => put.record)).toEqual([record(2)]);
  });
});
