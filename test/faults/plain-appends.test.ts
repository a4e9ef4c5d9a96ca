// @vitest-environment node
import { describe, expect, it } from "vitest";
import { NetworkError } from "../../src/client/index.js";
import { uniquePath } from "../support/server.js";
import {
  FAULT_TEST_TIMEOUT_MS,
  countDuplicates,
  faultEnvironment,
  readBackJsonDirect,
} from "./fault-setup.js";

const env = faultEnvironment();

const PROXY_SEED = 0xa99e0001;
const APPENDS = 300;

interface IndexedMessage {
  index: number;
}

/** How one plain append ended, as its caller saw it. */
type AppendReport = "succeeded" | "outcome-unknown" | "failed-known";

describe("plain appends through a faulty connection", () => {
  it(
    `${APPENDS} appendJson calls at 20 % faults: 0 duplicates, every failure that may have landed says outcomeUnknown (seed 0x${PROXY_SEED.toString(16)})`,
    async () => {
      const path = uniquePath("plain-appends");
      await env.directClient().createStream(path, { contentType: "application/json" });
      const proxy = await env.proxy(PROXY_SEED);
      // Default retry count: a plain append repeats only what the server answered with
      // 429/5xx, which this proxy never causes, so the count does not matter here.
      const stream = env.clientThrough(proxy).stream(path, { contentType: "application/json" });

      const reports: AppendReport[] = [];
      /** Failures that claim the append did not land; printed, and checked against the stream. */
      const knownFailures: string[] = [];
      for (let index = 0; index < APPENDS; index++) {
        try {
          await stream.appendJson({ index } satisfies IndexedMessage);
          reports.push("succeeded");
        } catch (error) {
          if (error instanceof NetworkError && error.outcomeUnknown) {
            reports.push("outcome-unknown");
          } else {
            reports.push("failed-known");
            knownFailures.push(String(error));
          }
        }
      }

      const stored = (await readBackJsonDirect<IndexedMessage>(env.server().url, path)).map(
        (message) => message.index,
      );
      const inStream = new Set(stored);
      const count = (report: AppendReport, landed: boolean) =>
        reports.filter((r, index) => r === report && inStream.has(index) === landed).length;
      const tally = {
        succeededAndStored: count("succeeded", true),
        succeededButMissing: count("succeeded", false),
        unknownAndStored: count("outcome-unknown", true),
        unknownAndMissing: count("outcome-unknown", false),
        failedKnownButStored: count("failed-known", true),
        failedKnownAndMissing: count("failed-known", false),
      };
      const { cuts, resets, connections } = proxy.stats();
      console.info(
        `plain appends: ${JSON.stringify(tally)}; ${countDuplicates(stored)} duplicates; ` +
          `${connections} connections, ${cuts} cuts, ${resets} resets` +
          (knownFailures.length > 0 ? `; known failures: ${knownFailures.join(" | ")}` : ""),
      );

      expect(countDuplicates(stored)).toBe(0);
      expect(
        stored.every((index) => Number.isInteger(index) && index >= 0 && index < APPENDS),
      ).toBe(true);
      // Every message in the stream was reported as appended or as possibly appended.
      expect(tally.failedKnownButStored).toBe(0);
      // And every append reported as done is there.
      expect(tally.succeededButMissing).toBe(0);
      // Not vacuous: faults hit appends, some after the server applied them (a cut
      // answer) and some before (a connection reset as it opened). A reset may be
      // reported either way (the client may know it never sent the request).
      expect(cuts).toBeGreaterThan(0);
      expect(tally.unknownAndStored).toBeGreaterThan(0);
      expect(tally.unknownAndMissing + tally.failedKnownAndMissing).toBeGreaterThan(0);
      expect(tally.succeededAndStored + tally.unknownAndStored).toBe(stored.length);
      // Exact: only append answers cross this proxy, and an append answer is headers
      // alone, so a cut (a strict prefix of it) always breaks the request after the server
      // applied it, and a reset always comes before the request reached the server.
      expect(tally.unknownAndStored).toBe(cuts);
      expect(tally.unknownAndMissing + tally.failedKnownAndMissing).toBe(resets);
    },
    FAULT_TEST_TIMEOUT_MS,
  );
});
