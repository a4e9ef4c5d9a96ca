import { describe, expect, it } from "vitest";
import { memoryCheckpoints, shouldReplace, type CheckpointRecord } from "../../src/sync/index.js";
import { restoreCheckpoint } from "../../src/sync/restore.js";

/** Server offsets look like this (zero-padded, lexicographically sortable). */
const OFF_1 = "0000000000000001_0000000000000010";
const OFF_2 = "0000000000000001_0000000000000020";
const OFF_10 = "0000000000000001_0000000000000100";

function record(offset: string, extra: Partial<CheckpointRecord> = {}): CheckpointRecord {
  return {
    url: "/s",
    version: "1",
    state: [offset],
    offset,
    cursor: undefined,
    closed: false,
    savedAt: 0,
    ...extra,
  };
}

describe("shouldReplace", () => {
  it("replaces nothing stored, and a record that is behind or equal", () => {
    expect(shouldReplace(undefined, record(OFF_1))).toBe(true);
    expect(shouldReplace(record(OFF_1), record(OFF_2))).toBe(true);
    expect(shouldReplace(record(OFF_2), record(OFF_2))).toBe(true);
  });

  it("never lets a checkpoint move backwards for the same stream and version", () => {
    expect(shouldReplace(record(OFF_2), record(OFF_1))).toBe(false);
    expect(shouldReplace(record(OFF_10), record(OFF_2))).toBe(false);
    expect(shouldReplace(record(OFF_1), record("-1"))).toBe(false);
  });

  it("always replaces a record of another stream or reducer version", () => {
    expect(shouldReplace(record(OFF_10), record(OFF_1, { version: "2" }))).toBe(true);
    expect(shouldReplace(record(OFF_10), record(OFF_1, { url: "/other" }))).toBe(true);
  });
});

describe("memoryCheckpoints", () => {
  it("keeps one record per key and never moves it backwards", async () => {
    const store = memoryCheckpoints();
    expect(store.kind).toBe("memory");
    await store.put("k", record(OFF_2));
    await store.put("k", record(OFF_1));
    expect((await store.get("k"))?.offset).toBe(OFF_2);
    await store.put("k", record(OFF_10));
    expect(await store.get("k")).toEqual(record(OFF_10));
    await store.put("other", record(OFF_1));
    expect((await store.get("other"))?.offset).toBe(OFF_1);
    await store.delete("k");
    expect(await store.get("k")).toBeUndefined();
    expect((await store.get("other"))?.offset).toBe(OFF_1);
  });
});

describe("restoreCheckpoint", () => {
  const expected = { url: "/s", version: "1", initialOffset: undefined };

  it("uses a record of the same stream and version", async () => {
    const store = memoryCheckpoints();
    await store.put("k", record(OFF_2));
    const decision = await restoreCheckpoint(store, "k", expected, () => {});
    expect(decision).toEqual({ kind: "use", record: record(OFF_2) });
  });

  it("skips without discarding when there is nothing", async () => {
    const decision = await restoreCheckpoint(memoryCheckpoints(), "k", expected, () => {});
    expect(decision).toEqual({ kind: "skip", discard: false });
  });

  it("discards a record of another reducer version or another stream", async () => {
    const store = memoryCheckpoints();
    await store.put("k", record(OFF_2, { version: "1" }));
    expect(await restoreCheckpoint(store, "k", { ...expected, version: "2" }, () => {})).toEqual({
      kind: "skip",
      discard: true,
    });
    expect(await restoreCheckpoint(store, "k", { ...expected, url: "/t" }, () => {})).toEqual({
      kind: "skip",
      discard: true,
    });
  });

  it("lets the newer of server-rendered data and the checkpoint win", async () => {
    const store = memoryCheckpoints();
    await store.put("k", record(OFF_2));
    const older = await restoreCheckpoint(
      store,
      "k",
      { ...expected, initialOffset: OFF_1 },
      () => {},
    );
    expect(older.kind).toBe("use");
    const newer = await restoreCheckpoint(
      store,
      "k",
      { ...expected, initialOffset: OFF_10 },
      () => {},
    );
    expect(newer).toEqual({ kind: "skip", discard: false });
  });

  it("reports a failing store and goes on without a checkpoint", async () => {
    const failure = new Error("broken");
    const errors: unknown[] = [];
    const store = {
      ...memoryCheckpoints(),
      get: () => Promise.reject(failure),
    };
    const decision = await restoreCheckpoint(store, "k", expected, (e) => errors.push(e));
    expect(decision).toEqual({ kind: "skip", discard: false });
    expect(errors).toEqual([failure]);
  });
});
