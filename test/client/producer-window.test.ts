// @vitest-environment node
import { describe, expect, it, vi } from "vitest";
import { inFlightWindow } from "../../src/client/producer-window.js";
import { Wire, batch, collectErrors, readBackText } from "../support/producer-wire.js";
import { delay } from "../support/read-helpers.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";
import { IdempotentProducer } from "../../src/client/index.js";

const server = sharedTestServer();

describe("inFlightWindow", () => {
  it("halves on an early arrival and grows by one per window of first-attempt acknowledgements", () => {
    const window = inFlightWindow(5);
    expect(window.size).toBe(5);
    window.acknowledged(true);
    expect(window.size).toBe(5); // never above maxInFlight
    window.early();
    expect(window.size).toBe(2);
    window.early();
    window.early();
    expect(window.size).toBe(1); // never below one
    window.acknowledged(false); // a resent batch says nothing about the order
    expect(window.size).toBe(1);
    window.acknowledged(true);
    expect(window.size).toBe(2);
    window.acknowledged(true);
    expect(window.size).toBe(2);
    window.acknowledged(true);
    expect(window.size).toBe(3);
    for (let i = 0; i < 3 + 4; i++) window.acknowledged(true);
    expect(window.size).toBe(5);
  });
});

describe("producer window against the reference server", () => {
  it("sends fewer batches at once after one arrived early, and more again once they arrive in order", async () => {
    const wire = new Wire();
    const client = testClient(server(), { fetch: wire.fetch });
    const path = uniquePath("window");
    const stream = await client.createStream(path, { contentType: "text/plain" });
    // One message per batch, sent when appended (a one-byte batch is full).
    const producer = new IdempotentProducer(stream, "window-1", {
      maxBatchBytes: 1,
      maxInFlight: 4,
    });
    const errors = collectErrors(producer);
    producer.append("a");
    await producer.flush(); // sequence 0 opens the epoch

    // Sequence 2 overtakes sequence 1: the server refuses it (409), the window halves.
    const late = wire.hold(batch(0, 1));
    producer.append("b");
    producer.append("c");
    const seq2 = () => wire.producerPosts.filter((r) => r.producer!.seq === 2);
    await vi.waitFor(() => expect(seq2()[0]?.status).toBe(409), { timeout: 5000 });
    late.release();
    await producer.flush();

    const countHeld = async (messages: string[]) => {
      const hold = wire.hold((r) => r.method === "POST");
      for (const message of messages) producer.append(message);
      await vi.waitFor(() => expect(hold.held.length).toBeGreaterThan(0), { timeout: 5000 });
      await delay(50); // room for more to leave, if the window allowed it
      const held = hold.held.length;
      expect(producer.inFlightCount).toBe(held);
      hold.release();
      await producer.flush();
      return held;
    };
    expect(await countHeld(["d", "e", "f", "g"])).toBe(2);

    // In order, one at a time: first-attempt acknowledgements grow it back by one per
    // window's worth (from 1 at worst, if one of d-g overtook another too: 1 + 2 + 3 = 6
    // acknowledgements reach 4, and d-g plus these five give at least that many).
    for (const message of ["h", "i", "j", "k", "l"]) {
      producer.append(message);
      await producer.flush();
    }
    expect(await countHeld(["m", "n", "o", "p", "q"])).toBe(4);
    expect(errors).toEqual([]);
    expect(await readBackText(server().url, path)).toBe("abcdefghijklmnopq");
  });
});
