// @vitest-environment node
import { describe, expect, it } from "vitest";
import { Offset } from "../../src/client/index.js";
import { seededRandom } from "../support/fault-proxy.js";
import { uniquePath } from "../support/server.js";
import { FAULT_TEST_TIMEOUT_MS, READ_RETRY, faultEnvironment } from "./fault-setup.js";

const env = faultEnvironment();

const PROXY_SEED = 0xc47c0001;
const CONTENT_SEED = 0xc47c0002;
const TRIALS = 20;
const PIECE_BYTES = 4096;
const PIECES = 100; // 100 appends of 4 KiB: 409,600 bytes, served as one catch-up response

/**
 * One piece of text, exactly `PIECE_BYTES` long in UTF-8, with 2-, 3- and
 * 4-byte characters among the ASCII, so a cut inside a character and a
 * resume that got the byte accounting wrong would both show.
 */
function textPiece(random: () => number): string {
  const alphabet = ["a", "b", "z", " ", "\n", "é", "ß", "漢", "字", "🙂"];
  let piece = "";
  let bytes = 0;
  for (;;) {
    const character = alphabet[Math.floor(random() * alphabet.length)]!;
    const size = Buffer.byteLength(character);
    if (bytes + size > PIECE_BYTES) break;
    piece += character;
    bytes += size;
  }
  return piece + "x".repeat(PIECE_BYTES - bytes);
}

describe("catch-up through a faulty connection", () => {
  it(
    `a 400 KB text stream, ${TRIALS} trials at 20 % faults, every read exact (seeds proxy 0x${PROXY_SEED.toString(16)}, content 0x${CONTENT_SEED.toString(16)})`,
    async () => {
      const path = uniquePath("catch-up");
      const writer = await env
        .directClient()
        .createStream(path, { contentType: "text/plain; charset=utf-8" });
      const random = seededRandom(CONTENT_SEED);
      const pieces: string[] = [];
      for (let index = 0; index < PIECES; index++) {
        const piece = textPiece(random);
        pieces.push(piece);
        await writer.append(piece);
      }
      const expectedText = pieces.join("");
      const expectedBytes = Buffer.from(expectedText, "utf8");
      expect(expectedBytes.length).toBe(PIECES * PIECE_BYTES);

      const proxy = await env.proxy(PROXY_SEED);
      const stream = env.clientThrough(proxy, { retry: READ_RETRY }).stream(path);
      let exactReads = 0;
      let trialsThatMetFaults = 0;
      let retries = 0;
      for (let trial = 0; trial < TRIALS; trial++) {
        const faultsBefore = proxy.events.length;
        const response = await stream.read(
          { offset: Offset.beginning, live: "off" },
          { onRetry: () => void retries++ },
        );
        // Half the trials check the bytes, half the decoded text: both must be exact.
        const exact =
          trial % 2 === 0
            ? Buffer.from(await response.bytes()).equals(expectedBytes)
            : (await response.text()) === expectedText;
        if (exact) exactReads++;
        if (proxy.events.length > faultsBefore) trialsThatMetFaults++;
      }
      const { cuts, resets, connections } = proxy.stats();
      console.info(
        `catch-up: ${exactReads}/${TRIALS} exact; ${trialsThatMetFaults} trials met faults; ` +
          `${connections} connections, ${cuts} cuts, ${resets} resets, ${retries} retries`,
      );

      expect(exactReads).toBe(TRIALS);
      // Not vacuous: the faults happened, and most trials had to recover from one.
      expect(cuts).toBeGreaterThan(0);
      expect(trialsThatMetFaults).toBeGreaterThan(TRIALS / 2);
      // Every fault costs the read exactly one retry: none is missed, none is doubled.
      expect(retries).toBe(cuts + resets);
    },
    FAULT_TEST_TIMEOUT_MS,
  );
});
