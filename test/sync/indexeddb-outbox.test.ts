// @vitest-environment jsdom
// fake-indexeddb stands in for the browser's IndexedDB, which jsdom lacks (the real one is in e2e/outbox.spec.ts).
import "fake-indexeddb/auto";
import { describe, expect, it, vi } from "vitest";
import { indexedDbOutbox } from "../../src/idb/index.js";
import type { OutboxRecord } from "../../src/sync/index.js";

let database = 0;
const fresh = () => indexedDbOutbox({ database: `outbox-test-${database++}` }).store;

function record(counter: number, extra: Partial<OutboxRecord> = {}): OutboxRecord {
  return {
    producerId: "tab-1",
    url: "http://127.0.0.1/board",
    order: [1000, counter],
    message: { id: `m${counter}`, nested: [counter] },
    appendEpoch: 2,
    ...extra,
  };
}

describe("indexedDbOutbox", () => {
  it("stores records and cursors, replaces a record by its identity, removes it", async () => {
    const store = fresh();
    expect(store.kind).toBe("indexeddb");
    await store.write({ put: [record(0), record(1)] });
    await store.write({
      put: [record(0, { epoch: 2, seq: 0 })],
      cursors: [{ producerId: "tab-1", url: "http://127.0.0.1/board", epoch: 2, nextSeq: 1 }],
    });
    const stored = await store.records();
    expect(stored).toHaveLength(2);
    expect(stored.find((r) => r.order[1] === 0)).toEqual(record(0, { epoch: 2, seq: 0 }));
    expect(await store.cursor("tab-1", "http://127.0.0.1/board")).toEqual({
      producerId: "tab-1",
      url: "http://127.0.0.1/board",
      epoch: 2,
      nextSeq: 1,
    });
    await store.write({ remove: [record(0)], forget: [["tab-1", "http://127.0.0.1/board"]] });
    expect((await store.records()).map((r) => r.order[1])).toEqual([1]);
    expect(await store.cursor("tab-1", "http://127.0.0.1/board")).toBeUndefined();
  });

  it("keeps records of other producer ids and streams apart", async () => {
    const store = fresh();
    await store.write({
      put: [record(0), record(0, { producerId: "tab-2" }), record(0, { url: "x" })],
    });
    expect(await store.records()).toHaveLength(3);
  });

  it("a message IndexedDB cannot clone fails that write only; the store stays on IndexedDB", async () => {
    const store = fresh();
    await expect(store.write({ put: [record(0, { message: () => 1 })] })).rejects.toMatchObject({
      name: "DataCloneError",
    });
    expect(store.kind).toBe("indexeddb");
    await store.write({ put: [record(1)] });
    expect(await store.records()).toHaveLength(1);
  });

  it("without IndexedDB it falls back to memory and says so once", async () => {
    vi.stubGlobal("indexedDB", undefined);
    try {
      const onFallback = vi.fn();
      const store = indexedDbOutbox({ onFallback }).store;
      expect(store.kind).toBe("memory");
      await store.write({ put: [record(0)] });
      await store.write({ put: [record(1)] });
      expect(await store.records()).toHaveLength(2);
      expect(onFallback).toHaveBeenCalledTimes(1);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
