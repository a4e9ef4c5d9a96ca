// @vitest-environment jsdom
// fake-indexeddb stands in for the browser's IndexedDB, which jsdom lacks.
import "fake-indexeddb/auto";
import { createStore, get, keys } from "idb-keyval";
import { afterEach, describe, expect, it, vi } from "vitest";
import { indexedDbCheckpoints } from "../../src/idb/index.js";
import type { CheckpointRecord } from "../../src/sync/index.js";

const OFF_1 = "0000000000000001_0000000000000010";
const OFF_2 = "0000000000000001_0000000000000020";
const OFF_3 = "0000000000000001_0000000000000030";

function record(offset: string, extra: Partial<CheckpointRecord> = {}): CheckpointRecord {
  return {
    url: "/chat/1",
    version: "1",
    state: { messages: [offset], nested: [{ at: offset }] },
    offset,
    cursor: `cursor-${offset.slice(-2)}`,
    closed: false,
    savedAt: 1_700_000_000_000,
    ...extra,
  };
}

let dbCounter = 0;
const uniqueDb = () => `rds-test-${process.pid}-${++dbCounter}`;

describe("indexedDbCheckpoints", () => {
  it("stores one record per key, state offset cursor and version together", async () => {
    const database = uniqueDb();
    const store = indexedDbCheckpoints({ database, store: "cp" });
    expect(store.kind).toBe("indexeddb");
    await store.put("chat", record(OFF_1));
    await store.put("chat", record(OFF_2));
    await store.put("other", record(OFF_1, { url: "/other" }));
    // Read the database directly, as another tab (or the next page load) would.
    const raw = createStore(database, "cp");
    expect((await keys(raw)).sort()).toEqual(["chat", "other"]);
    const stored = await get<CheckpointRecord>("chat", raw);
    expect(stored).toEqual(record(OFF_2));
    expect(stored).toMatchObject({ offset: OFF_2, cursor: "cursor-20", version: "1" });
    expect(stored?.state).toEqual({ messages: [OFF_2], nested: [{ at: OFF_2 }] });
    expect(await store.get("chat")).toEqual(record(OFF_2));
    expect(store.kind).toBe("indexeddb");
  });

  it("never moves a record backwards, also when two tabs (two stores) write it", async () => {
    const database = uniqueDb();
    const tabA = indexedDbCheckpoints({ database, store: "cp" });
    const tabB = indexedDbCheckpoints({ database, store: "cp" });
    await tabA.put("chat", record(OFF_2));
    await tabB.put("chat", record(OFF_1));
    expect((await tabA.get("chat"))?.offset).toBe(OFF_2);
    // Concurrent writes: whatever the interleaving, the furthest record wins.
    await Promise.all([
      tabA.put("chat", record(OFF_3)),
      tabB.put("chat", record(OFF_1)),
      tabB.put("chat", record(OFF_2)),
    ]);
    expect(await tabB.get("chat")).toEqual(record(OFF_3));
    // A record of another reducer version replaces it whatever its offset.
    await tabB.put("chat", record(OFF_1, { version: "2" }));
    expect(await tabA.get("chat")).toEqual(record(OFF_1, { version: "2" }));
    await tabA.delete("chat");
    expect(await get("chat", createStore(database, "cp"))).toBeUndefined();
  });

  it("an urgent write puts without reading, but never behind what this page has seen", async () => {
    const database = uniqueDb();
    const tab = indexedDbCheckpoints({ database, store: "cp" });
    // What the next page load reads.
    const nextLoad = (key: string) => indexedDbCheckpoints({ database, store: "cp" }).get(key);
    await tab.put("chat", record(OFF_1), { urgent: true });
    expect(await nextLoad("chat")).toEqual(record(OFF_1));
    await tab.put("chat", record(OFF_3));
    // Behind the page's own last write: skipped.
    await tab.put("chat", record(OFF_2), { urgent: true });
    expect((await nextLoad("chat"))?.offset).toBe(OFF_3);
    // Behind what the page has read from another tab's write: skipped as well.
    const other = indexedDbCheckpoints({ database, store: "cp" });
    await other.put("chat2", record(OFF_3));
    expect((await tab.get("chat2"))?.offset).toBe(OFF_3);
    await tab.put("chat2", record(OFF_1), { urgent: true });
    expect((await nextLoad("chat2"))?.offset).toBe(OFF_3);
    // A new reducer version replaces it whatever its offset, urgent or not.
    await tab.put("chat", record(OFF_1, { version: "2" }), { urgent: true });
    expect(await nextLoad("chat")).toEqual(record(OFF_1, { version: "2" }));
    // After a delete the page knows nothing: any urgent write goes through.
    await tab.delete("chat");
    expect(await nextLoad("chat")).toBeUndefined();
    await tab.put("chat", record(OFF_1), { urgent: true });
    expect((await nextLoad("chat"))?.offset).toBe(OFF_1);
  });

  it("an urgent write from a stale tab never moves another tab's newer record backwards", async () => {
    const database = uniqueDb();
    const raw = createStore(database, "cp");
    const stale = indexedDbCheckpoints({ database, store: "cp" });
    const fresh = indexedDbCheckpoints({ database, store: "cp" });
    await stale.put("chat", record(OFF_1));
    await fresh.put("chat", record(OFF_3));
    // The stale tab closes without having read the newer record: its write cannot read first.
    await stale.put("chat", record(OFF_2), { urgent: true });
    expect((await get<CheckpointRecord>("chat", raw))?.offset).toBe(OFF_3);
    const nextLoad = indexedDbCheckpoints({ database, store: "cp" });
    expect(await nextLoad.get("chat")).toEqual(record(OFF_3));
    // An urgent write that is further along does win, once the key is read.
    await stale.put("chat", record(OFF_3, { cursor: "later" }), { urgent: true });
    const closing = indexedDbCheckpoints({ database, store: "cp" });
    await closing.put("chat", record("0000000000000001_0000000000000040"), { urgent: true });
    expect((await nextLoad.get("chat"))?.offset).toBe("0000000000000001_0000000000000040");
    // Reading folded the slots into the record and cleared them; a delete clears everything.
    expect(await keys(raw)).toEqual(["chat"]);
    await closing.put("chat", record("0000000000000001_0000000000000050"), { urgent: true });
    await nextLoad.delete("chat");
    expect(await keys(raw)).toEqual([]);
  });

  it("fails only the write of a state IndexedDB cannot clone, and stays on IndexedDB", async () => {
    const database = uniqueDb();
    const onFallback = vi.fn();
    const store = indexedDbCheckpoints({ database, store: "cp", onFallback });
    await store.put("good", record(OFF_1));
    await expect(
      store.put("bad", record(OFF_1, { state: { render: () => "not cloneable" } })),
    ).rejects.toMatchObject({ name: "DataCloneError" });
    await store.put("good", record(OFF_2));
    expect(store.kind).toBe("indexeddb");
    expect(onFallback).not.toHaveBeenCalled();
    expect((await get<CheckpointRecord>("good", createStore(database, "cp")))?.offset).toBe(OFF_2);
    expect(await store.get("bad")).toBeUndefined();
  });
});

describe("indexedDbCheckpoints without a usable IndexedDB", () => {
  const saved = globalThis.indexedDB;
  afterEach(() => {
    globalThis.indexedDB = saved;
    vi.restoreAllMocks();
  });

  it("falls back to memory when indexedDB is missing, and reports it once, on first use", async () => {
    Reflect.deleteProperty(globalThis, "indexedDB");
    expect(typeof indexedDB).toBe("undefined");
    const onFallback = vi.fn();
    const store = indexedDbCheckpoints({ onFallback });
    expect(store.kind).toBe("memory");
    // Creating it says nothing yet (a server render creates one and never uses it).
    expect(onFallback).not.toHaveBeenCalled();
    await store.put("k", record(OFF_2));
    await store.put("k", record(OFF_1));
    await store.put("j", record(OFF_1));
    expect((await store.get("k"))?.offset).toBe(OFF_2);
    await store.delete("j");
    expect(await store.get("j")).toBeUndefined();
    expect(onFallback).toHaveBeenCalledTimes(1);
    expect(store.kind).toBe("memory");
  });

  it("falls back to memory when IndexedDB fails to open, warning once by default", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const open = vi.fn(() => {
      throw new DOMException("The operation is insecure.", "SecurityError");
    });
    globalThis.indexedDB = { open } as unknown as IDBFactory;
    const store = indexedDbCheckpoints({ database: uniqueDb() });
    await store.put("k", record(OFF_1));
    await store.put("k", record(OFF_2));
    expect(await store.get("k")).toEqual(record(OFF_2));
    await store.delete("k");
    expect(await store.get("k")).toBeUndefined();
    expect(store.kind).toBe("memory");
    const idbWarnings = warn.mock.calls.filter((args) => String(args[0]).includes("IndexedDB"));
    expect(idbWarnings).toHaveLength(1);
    // Once degraded it stops knocking on the broken IndexedDB.
    expect(open).toHaveBeenCalledTimes(1);
  });

  it("falls back when opening the database fails asynchronously", async () => {
    const onFallback = vi.fn();
    globalThis.indexedDB = {
      open() {
        const request = {
          error: new DOMException("blocked", "InvalidStateError"),
        } as { error: DOMException; onerror?: () => void };
        setTimeout(() => request.onerror?.(), 0);
        return request;
      },
    } as unknown as IDBFactory;
    const store = indexedDbCheckpoints({ database: uniqueDb(), onFallback });
    expect(await store.get("k")).toBeUndefined();
    await store.put("k", record(OFF_1));
    expect((await store.get("k"))?.offset).toBe(OFF_1);
    expect(store.kind).toBe("memory");
    expect(onFallback).toHaveBeenCalledTimes(1);
    expect(onFallback.mock.calls[0]![0]).toMatchObject({ name: "InvalidStateError" });
  });
});
