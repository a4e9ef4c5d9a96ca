// @vitest-environment node
import { describe, expect, it } from "vitest";
import type { DurableStreamError } from "../../src/client/index.js";
import { uniquePath } from "../support/server.js";
import {
  FAULT_TEST_TIMEOUT_MS,
  countDuplicates,
  faultEnvironment,
  readBackJsonDirect,
} from "./fault-setup.js";
import { IdempotentProducer } from "../../src/client/index.js";

const env = faultEnvironment();

const PROXY_SEED = 0x9d0c0001;
const MESSAGES = 2_000;

interface IndexedMessage {
  index: number;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("idempotent producer through a faulty connection", () => {
  it(
    `${MESSAGES} JSON messages in small batches at 20 % faults: ${MESSAGES} stored, 0 duplicates, 0 errors (seed 0x${PROXY_SEED.toString(16)})`,
    async () => {
      const path = uniquePath("producer");
      await env.directClient().createStream(path, { contentType: "application/json" });
      const proxy = await env.proxy(PROXY_SEED);
      // The client's retry count is left at the default (3), as most users leave it: a
      // producer must deliver through transient failures on its own, retrying them until
      // its delivery timeout (`deliveryTimeoutMs`, default 120 s), whatever `maxRetries` says.
      const stream = env.clientThrough(proxy).stream(path, { contentType: "application/json" });
      const producer = new IdempotentProducer(stream, "fault-producer-1", {
        autoClaim: true,
        lingerMs: 1,
        maxBatchItems: 10,
      });
      const errors: DurableStreamError[] = [];
      producer.on("error", (error) => void errors.push(error));

      for (let index = 0; index < MESSAGES; index++) {
        producer.append({ index } satisfies IndexedMessage);
        // A writer that produces over time, so batches go out while others are on the wire.
        if (index % 25 === 24) await pause(1);
      }
      const flushFailure = await producer.flush().then(
        () => undefined,
        (error: unknown) => error,
      );
      await producer.detach();

      const stored = (await readBackJsonDirect<IndexedMessage>(env.server().url, path)).map(
        (message) => message.index,
      );
      const { cuts, resets, connections } = proxy.stats();
      console.info(
        `producer: ${stored.length} stored, ${countDuplicates(stored)} duplicates, ${errors.length} errors ` +
          `(${[...new Set(errors.map((error) => error.message))].slice(0, 3).join(" | ") || "none"}); ` +
          `${connections} connections, ${cuts} cuts, ${resets} resets`,
      );

      expect(errors.map((error) => `${error.name}: ${error.message}`)).toEqual([]);
      expect(flushFailure).toBeUndefined();
      expect(stored.length).toBe(MESSAGES);
      expect(countDuplicates(stored)).toBe(0);
      // Exactly once and in order: the sequence numbers keep the batches in place.
      expect(stored).toEqual(Array.from({ length: MESSAGES }, (_, index) => index));
      expect(cuts).toBeGreaterThan(0);
    },
    FAULT_TEST_TIMEOUT_MS,
  );
});
