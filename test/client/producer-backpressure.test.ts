// @vitest-environment node
import { describe, expect, it, vi } from "vitest";
import { IdempotentProducer, ProducerBufferFullError } from "../../src/client/index.js";
import { testClient, uniquePath, sharedTestServer } from "../support/server.js";
import { thrown } from "../support/caught.js";
import { Wire, readBackJson, readBackText } from "../support/producer-wire.js";

const server = sharedTestServer();

async function setup(contentType = "text/plain") {
  const wire = new Wire();
  const client = testClient(server(), { fetch: wire.fetch });
  const path = uniquePath("backpressure");
  const stream = await client.createStream(path, { contentType });
  return { wire, path, stream };
}

describe("backpressure", () => {
  it("maxBufferedMessages counts batches on the wire too, until they are acknowledged", async () => {
    const { wire, path, stream } = await setup();
    const producer = new IdempotentProducer(stream, "bp-1", {
      lingerMs: 0,
      maxBufferedMessages: 3,
    });
    const hold = wire.hold((r) => r.method === "POST");
    expect(producer.tryAppend("a")).toBe(true);
    expect(producer.tryAppend("b")).toBe(true);
    expect(producer.tryAppend("c")).toBe(true);
    await vi.waitFor(() => expect(hold.held.length).toBe(1), { timeout: 5000 });
    expect(producer.inFlightCount).toBe(1);
    expect(producer.pendingCount).toBe(0);

    // Sent but not acknowledged: still counted.
    expect(producer.tryAppend("d")).toBe(false);
    const error = thrown(() => producer.append("d"));
    expect(error).toBeInstanceOf(ProducerBufferFullError);
    expect((error as ProducerBufferFullError).code).toBe("BUFFER_FULL");

    hold.release();
    await producer.flush();
    expect(producer.tryAppend("e")).toBe(true);
    await producer.flush();
    expect(await readBackText(server().url, path)).toBe("abce");
  });

  it("maxBufferedBytes bounds the bytes not yet acknowledged", async () => {
    const { path, stream } = await setup();
    const producer = new IdempotentProducer(stream, "bp-2", {
      lingerMs: 60_000,
      maxBufferedBytes: 10,
    });
    expect(producer.tryAppend("123456")).toBe(true);
    expect(producer.tryAppend("12345")).toBe(false); // 11 > 10
    expect(producer.tryAppend("1234")).toBe(true); // exactly 10
    expect(thrown(() => producer.append("x"))).toBeInstanceOf(ProducerBufferFullError);
    expect(producer.tryAppend(new Uint8Array(11))).toBe(false);
    // A refusal sends the open batch at once instead of waiting out the 60 s linger (it
    // cannot grow until acknowledgements free the buffer): everything arrives without flush().
    await vi.waitFor(
      async () => expect(await readBackText(server().url, path)).toBe("1234561234"),
      {
        timeout: 5000,
      },
    );

    await producer.flush();
    expect(producer.tryAppend("abcdefghij")).toBe(true);
    await producer.flush();
    expect(await readBackText(server().url, path)).toBe("1234561234abcdefghij");
  });

  it("measures JSON messages by their serialised size", async () => {
    const { path, stream } = await setup("application/json");
    const producer = new IdempotentProducer(stream, "bp-3", {
      lingerMs: 60_000,
      maxBufferedBytes: 20,
    });
    expect(producer.tryAppend({ k: "0123456789" })).toBe(true); // {"k":"0123456789"}: 18 bytes
    expect(producer.tryAppend("xy")).toBe(false); // "xy": 4 more bytes
    expect(producer.tryAppend(1)).toBe(true);
    await producer.flush();
    expect(await readBackJson(server().url, path)).toEqual([{ k: "0123456789" }, 1]);
  });

  it("measures by bytes before the content type is known (no HEAD has answered yet)", async () => {
    const { path } = await setup("application/json");
    const stream = testClient(server()).stream(path);
    const producer = new IdempotentProducer(stream, "bp-4", {
      lingerMs: 60_000,
      maxBufferedBytes: 30,
    });
    // 20 characters but 40 UTF-8 bytes: more than the limit however it is counted.
    expect(producer.tryAppend("éééééééééééééééééééé")).toBe(false);
    expect(producer.tryAppend({ big: "x".repeat(40) })).toBe(false);
    expect(producer.tryAppend({ small: 1 })).toBe(true);
    await producer.flush();
    expect(await readBackJson(server().url, path)).toEqual([{ small: 1 }]);
  });

  it("never sends a refused message", async () => {
    const { wire, path, stream } = await setup();
    const producer = new IdempotentProducer(stream, "bp-5", {
      lingerMs: 60_000,
      maxBufferedMessages: 2,
    });
    const accepted: string[] = [];
    for (let i = 0; i < 10; i++) if (producer.tryAppend(`${i};`)) accepted.push(`${i};`);
    expect(accepted).toEqual(["0;", "1;"]);
    await producer.flush();
    expect(wire.producerPosts.length).toBe(1);
    expect(await readBackText(server().url, path)).toBe("0;1;");
  });
});
