import { afterEach, describe, expect, it } from "vitest";
import { memoryCheckpoints } from "../../src/sync/checkpoint-store.js";
import { inspectRuntime, type RuntimeInspection } from "../../src/sync/inspection.js";
import { StreamsRuntime, type ViewShape } from "../../src/sync/runtime.js";
import { retainSharedProducer, sharedProducer } from "../../src/sync/runtime-producers.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";

const server = sharedTestServer();
const runtimes: StreamsRuntime[] = [];

afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.dispose();
});

const jsonShape: ViewShape<unknown, unknown> = {
  as: "json",
  live: "long-poll",
  version: "1",
  pauseWhenHidden: false,
};

function newRuntime(gracePeriodMs = 0): StreamsRuntime {
  const client = testClient(server(), { warnOnHttp: false });
  const runtime = new StreamsRuntime({
    client,
    gracePeriodMs,
    checkpoints: memoryCheckpoints(),
    checkpointIntervalMs: 10,
  });
  runtimes.push(runtime);
  return runtime;
}

/** Resolves with the first inspection, heard through subscribe (no polling), that passes `check`. */
function inspectionWhere(
  runtime: StreamsRuntime,
  check: (inspection: RuntimeInspection) => boolean,
  timeoutMs = 5000,
): Promise<RuntimeInspection> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      reject(
        new Error(`not seen within ${timeoutMs} ms: ${JSON.stringify(inspectRuntime(runtime))}`),
      );
    }, timeoutMs);
    const look = () => {
      const inspection = inspectRuntime(runtime);
      if (!check(inspection)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(inspection);
    };
    const unsubscribe = runtime.subscribe(look);
    look();
  });
}

describe("the runtime's subscribe API and inspectRuntime", () => {
  it("shows a session's status, offset, subscribers, messages and bytes, told by subscribe", async () => {
    const runtime = newRuntime();
    const url = uniquePath("inspect-session");
    const stream = runtime.client.stream(url);
    await stream.create({ contentType: "application/json" });
    await stream.appendJson({ n: 1 });

    const release = runtime.retainSession(url, { ...jsonShape, persist: "inspect-key" });
    const live = await inspectionWhere(runtime, (i) => i.sessions[0]?.status === "live");
    expect(live.sessions).toHaveLength(1);
    expect(live.sessions[0]).toMatchObject({
      url,
      as: "json",
      live: "long-poll",
      persist: "inspect-key",
      subscribers: 1,
      messages: 1,
      error: undefined,
    });
    expect(live.sessions[0]!.bytes).toBe('[{"n":1}]'.length);

    await stream.appendJson({ n: 2 });
    await stream.appendJson({ n: 3 });
    const grown = await inspectionWhere(runtime, (i) => i.sessions[0]?.messages === 3);
    expect(grown.sessions[0]!.bytes).toBeGreaterThan(live.sessions[0]!.bytes);
    expect(grown.sessions[0]!.offset).toBe((await stream.head()).offset);

    // The checkpoint this session wrote, with the store's kind.
    const saved = await inspectionWhere(
      runtime,
      (i) => i.checkpoints[0]?.offset === grown.sessions[0]!.offset,
    );
    expect(saved.checkpointStore).toBe("memory");
    expect(saved.checkpoints[0]).toMatchObject({ key: "inspect-key", url, closed: false });
    expect(saved.checkpoints[0]!.savedAt).toBeGreaterThan(0);

    release();
    const gone = await inspectionWhere(runtime, (i) => i.sessions.length === 0);
    expect(gone.sessions).toEqual([]);
  });

  it("returns the same picture until something changes, and tells each burst once", async () => {
    const runtime = newRuntime(60_000);
    const url = uniquePath("inspect-stable");
    await runtime.client.stream(url).create({ contentType: "application/json" });
    const first = inspectRuntime(runtime);
    expect(inspectRuntime(runtime)).toBe(first);

    let notices = 0;
    const unsubscribe = runtime.subscribe(() => notices++);
    // Three changes in one task: a session created, acquired, released.
    const release = runtime.retainSession(url, jsonShape);
    release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const after = inspectRuntime(runtime);
    expect(after).not.toBe(first);
    expect(after.sessions[0]).toMatchObject({ url, subscribers: 0 });
    expect(notices).toBeGreaterThanOrEqual(1);
    unsubscribe();
    const heard = notices;
    runtime.retainSession(url, jsonShape);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(notices, "no notice after unsubscribe").toBe(heard);
  });

  it("shows a producer's counters, and its last error after a failed batch", async () => {
    const runtime = newRuntime();
    const url = uniquePath("inspect-producer");
    await runtime.client.stream(url).create({ contentType: "application/json" });
    retainSharedProducer(runtime, url, "inspected", { lingerMs: 0 });
    const shared = sharedProducer(runtime, url, "inspected", { lingerMs: 0 });
    shared.producer.append({ hello: "world" });
    await shared.producer.flush();
    const sent = await inspectionWhere(runtime, (i) => i.producers[0]?.lastOffset !== undefined);
    expect(sent.producers[0]).toMatchObject({
      url,
      id: "inspected",
      epoch: 0,
      nextSeq: 1,
      pending: 0,
      inFlight: 0,
      stopped: false,
      subscribers: 1,
      lastError: undefined,
    });

    const missing = uniquePath("inspect-producer-missing");
    retainSharedProducer(runtime, missing, "inspected", { lingerMs: 0 });
    const failing = sharedProducer(runtime, missing, "inspected", { lingerMs: 0 });
    failing.producer.on("error", () => {});
    failing.producer.append({ lost: true });
    await failing.producer.flush().catch(() => undefined);
    const failed = await inspectionWhere(runtime, (i) =>
      i.producers.some((p) => p.url === missing && p.lastError !== undefined),
    );
    const row = failed.producers.find((p) => p.url === missing)!;
    expect(row.lastError?.name).toBe("StreamNotFoundError");
  });

  it("keeps a session's last error after it recovered", async () => {
    const runtime = newRuntime();
    const url = uniquePath("inspect-error");
    runtime.retainSession(url, jsonShape);
    const failing = await inspectionWhere(runtime, (i) => i.sessions[0]?.status === "error");
    expect(failing.sessions[0]!.error?.name).toBe("StreamNotFoundError");
    expect(failing.sessions[0]!.lastError).toBe(failing.sessions[0]!.error);

    await runtime.client.stream(url).create({ contentType: "application/json" });
    runtime.session(url, jsonShape).retry();
    const recovered = await inspectionWhere(runtime, (i) => i.sessions[0]?.status === "live");
    expect(recovered.sessions[0]!.error).toBeUndefined();
    expect(recovered.sessions[0]!.lastError?.name).toBe("StreamNotFoundError");
    expect(recovered.sessions[0]!.lastErrorAt).toBeGreaterThan(0);
  });
});
