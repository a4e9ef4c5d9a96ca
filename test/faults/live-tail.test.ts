// @vitest-environment node
import { describe, expect, it } from "vitest";
import { Offset, type FetchFunction, type ReadOptions } from "../../src/client/index.js";
import { uniquePath } from "../support/server.js";
import {
  FAULT_TEST_TIMEOUT_MS,
  READ_RETRY,
  countDuplicates,
  faultEnvironment,
} from "./fault-setup.js";

// A short long-poll timeout: waiting polls end soon after the writer stops, so
// closing the server at the end does not wait on them.
const env = faultEnvironment({ longPollTimeout: 1_000 });

const MESSAGES = 500;

interface IndexedMessage {
  index: number;
}

/** The real fetch, recording the `live` mode of every request (null for a plain GET). */
function liveModeRecorder(): { fetch: FetchFunction; modes: Array<string | null> } {
  const modes: Array<string | null> = [];
  return {
    modes,
    fetch: (input, init) => {
      modes.push(new URL(input).searchParams.get("live"));
      return fetch(input, init);
    },
  };
}

/**
 * Follows a JSON stream live through a faulty proxy while a writer appends
 * `MESSAGES` messages straight to the server and then closes the stream; the
 * read ends at the close. Returns what the reader received and what happened.
 */
async function tailThroughFaults(
  seed: number,
  live: "long-poll" | "sse",
  sse?: ReadOptions["sse"],
) {
  const path = uniquePath(`tail-${live}`);
  const writer = await env.directClient().createStream(path, { contentType: "application/json" });
  const proxy = await env.proxy(seed);
  const recorder = liveModeRecorder();
  const stream = env
    .clientThrough(proxy, { retry: READ_RETRY, fetch: recorder.fetch })
    .stream(path);

  let retries = 0;
  const response = await stream.read(
    { offset: Offset.beginning, live, sse },
    { onRetry: () => void retries++ },
  );
  const writing = (async () => {
    for (let index = 0; index < MESSAGES; index++) await writer.appendJson({ index });
    await writer.close();
  })();
  const received: number[] = [];
  let batches = 0;
  for await (const batch of response.jsonBatches<IndexedMessage>()) {
    if (batch.items.length > 0) batches++;
    for (const item of batch.items) received.push(item.index);
  }
  await writing;
  return { received, batches, retries, modes: recorder.modes, stats: proxy.stats() };
}

/** Indices in 0..MESSAGES-1 that never arrived. */
function lost(received: readonly number[]): number {
  const seen = new Set(received);
  let missing = 0;
  for (let index = 0; index < MESSAGES; index++) if (!seen.has(index)) missing++;
  return missing;
}

const everyIndex = Array.from({ length: MESSAGES }, (_, index) => index);

describe("live tails through a faulty connection", () => {
  it(
    `long-poll tail of ${MESSAGES} messages at 20 % faults: 0 lost, 0 duplicated (seed 0x7a110001)`,
    async () => {
      const { received, batches, retries, modes, stats } = await tailThroughFaults(
        0x7a110001,
        "long-poll",
      );
      console.info(
        `long-poll tail: ${received.length} received in ${batches} batches; ${stats.connections} connections, ` +
          `${stats.cuts} cuts, ${stats.resets} resets, ${retries} retries, ` +
          `${modes.filter((mode) => mode === "long-poll").length} long-polls`,
      );
      expect(lost(received)).toBe(0);
      expect(countDuplicates(received)).toBe(0);
      expect(received).toEqual(everyIndex);
      // Not vacuous: faults hit the tail, and it was a tail (many polls, many batches).
      expect(stats.cuts).toBeGreaterThan(0);
      expect(modes.filter((mode) => mode === "long-poll").length).toBeGreaterThan(10);
      expect(batches).toBeGreaterThan(10);
      expect(retries).toBe(stats.cuts + stats.resets);
    },
    FAULT_TEST_TIMEOUT_MS,
  );

  it(
    `SSE tail of ${MESSAGES} messages at 20 % faults: 0 lost, 0 duplicated (seed 0x7a110002)`,
    async () => {
      // Connections cut this often all die young, and by default three young
      // deaths in a row switch the read to long-poll for good; this test is
      // about SSE, so it keeps the read on SSE.
      const { received, batches, retries, modes, stats } = await tailThroughFaults(
        0x7a110002,
        "sse",
        { maxShortConnections: Number.POSITIVE_INFINITY },
      );
      const sseConnections = modes.filter((mode) => mode === "sse").length;
      console.info(
        `SSE tail: ${received.length} received in ${batches} batches; ${stats.connections} connections, ` +
          `${stats.cuts} cuts, ${stats.resets} resets, ${retries} retries, ${sseConnections} SSE requests`,
      );
      expect(lost(received)).toBe(0);
      expect(countDuplicates(received)).toBe(0);
      expect(received).toEqual(everyIndex);
      expect(stats.cuts).toBeGreaterThan(0);
      // It stayed on SSE: after the first plain GET, every request asked for SSE.
      expect(modes.filter((mode) => mode !== "sse" && mode !== null)).toEqual([]);
      expect(sseConnections).toBeGreaterThan(10);
      expect(batches).toBeGreaterThan(10);
    },
    FAULT_TEST_TIMEOUT_MS,
  );
});
