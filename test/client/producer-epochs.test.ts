// @vitest-environment node
import { describe, expect, it, vi } from "vitest";
import {
  IdempotentProducer,
  ProducerClosedError,
  StaleEpochError,
} from "../../src/client/index.js";
import { testClient, uniquePath, sharedTestServer } from "../support/server.js";
import {
  Wire,
  batch,
  bodyText,
  collectErrors,
  eventually,
  rawProducerPost,
  readBackText,
  within,
} from "../support/producer-wire.js";
import { rejection, thrown } from "../support/caught.js";

const server = sharedTestServer();

async function setup() {
  const wire = new Wire();
  const client = testClient(server(), { fetch: wire.fetch });
  const path = uniquePath("epochs");
  const stream = await client.createStream(path, { contentType: "text/plain" });
  return { wire, path, stream };
}

const oneMessagePerBatch = { maxBatchBytes: 1, lingerMs: 60_000 } as const;

function appendedTo(producer: { append(m: string): void }): (m: string) => unknown {
  return (m) => thrown(() => producer.append(m));
}

describe("fencing without autoClaim", () => {
  it("reports StaleEpochError with the server's epoch and stops the producer", async () => {
    const { path, stream } = await setup();
    const other = await rawProducerPost(server().url, path, { id: "w", epoch: 5, seq: 0 }, "X");
    expect(other.status).toBe(200);

    const producer = new IdempotentProducer(stream, "w", { lingerMs: 0 });
    const errors = collectErrors(producer);
    producer.append("mine");
    const error = await rejection(producer.flush());
    expect(error).toBeInstanceOf(StaleEpochError);
    expect((error as StaleEpochError).currentEpoch).toBe(5);
    expect((error as StaleEpochError).status).toBe(403);
    expect(errors).toEqual([
      {
        error,
        info: { epoch: 0, seq: 0, messageCount: 1, messages: ["mine"], outcomeUnknown: false },
      },
    ]);

    const late = appendedTo(producer)("later");
    expect(late).toBeInstanceOf(ProducerClosedError);
    expect((late as ProducerClosedError).reason).toBe("stopped");
    expect((late as ProducerClosedError).cause).toBe(error);
    expect(producer.epoch).toBe(0); // fenced, not bumped
    expect(await readBackText(server().url, path)).toBe("X");
  });

  it("two producers with the same id fence each other by epoch", async () => {
    const { path, stream } = await setup();
    const a = new IdempotentProducer(stream, "shared", { epoch: 0, lingerMs: 0 });
    const aErrors = collectErrors(a);
    a.append("a1;");
    await a.flush();

    const otherStream = testClient(server()).stream(path, { contentType: "text/plain" });
    const b = new IdempotentProducer(otherStream, "shared", { epoch: 1, lingerMs: 0 });
    const bErrors = collectErrors(b);
    b.append("b1;");
    await b.flush(); // epoch 1 takes the id over

    a.append("a2;");
    const aError = await rejection(a.flush());
    expect(aError).toBeInstanceOf(StaleEpochError);
    expect((aError as StaleEpochError).currentEpoch).toBe(1);
    expect(aErrors.length).toBe(1);
    expect(appendedTo(a)("a3;")).toBeInstanceOf(ProducerClosedError);

    b.append("b2;");
    await b.flush();
    expect(bErrors).toEqual([]);

    // A new session of the first writer, above the second, fences it in turn.
    const a2 = new IdempotentProducer(stream, "shared", { epoch: 2, lingerMs: 0 });
    a2.append("a4;");
    await a2.flush();
    b.append("b3;");
    const bError = await rejection(b.flush());
    expect((bError as StaleEpochError).currentEpoch).toBe(2);
    expect(appendedTo(b)("b4;")).toBeInstanceOf(ProducerClosedError);

    expect(await readBackText(server().url, path)).toBe("a1;b1;b2;a4;");
  });
});

describe("autoClaim", () => {
  it("claims the server's epoch + 1 when another writer took the id while batches were in flight", async () => {
    const { wire, path, stream } = await setup();
    const producer = new IdempotentProducer(stream, "auto-1", {
      ...oneMessagePerBatch,
      maxInFlight: 3,
      autoClaim: true,
    });
    const errors = collectErrors(producer);
    producer.append("a");
    await producer.flush();

    const hold = wire.hold((r) => r.producer?.epoch === 0);
    for (const m of ["b", "c", "d"]) producer.append(m);
    await vi.waitFor(() => expect(hold.held.length).toBe(3), { timeout: 5000 });
    const raw = await rawProducerPost(server().url, path, { id: "auto-1", epoch: 5, seq: 0 }, "X");
    expect(raw.status).toBe(200);
    hold.release();
    await producer.flush();

    expect(errors).toEqual([]);
    const stale = wire.producerPosts.filter((r) => r.producer!.epoch === 0 && r.status === 403);
    expect(stale.length).toBeGreaterThanOrEqual(1);
    expect(stale[0]!.responseHeaders!.get("producer-epoch")).toBe("5");
    // Epoch 6 uses sequences 0, 1, 2 exactly: none were reserved before the claim.
    const claimed = wire.producerPosts.filter((r) => r.producer!.epoch === 6);
    const accepted = claimed.filter((r) => r.status === 200);
    expect(accepted.map((r) => [r.producer!.seq, bodyText(r)])).toEqual([
      [0, "b"],
      [1, "c"],
      [2, "d"],
    ]);
    // The claim went alone, after every old-epoch request was answered; the rest waited for it.
    const claim = claimed[0]!;
    expect(claim.producer!.seq).toBe(0);
    expect(claim.concurrentAtStart).toBe(1);
    for (const r of wire.producerPosts.filter((p) => p.producer!.epoch === 0)) {
      expect(r.answeredAt!).toBeLessThan(claim.startedAt);
    }
    for (const r of claimed.slice(1)) expect(r.startedAt).toBeGreaterThan(claim.answeredAt!);
    expect([producer.epoch, producer.nextSeq]).toEqual([6, 3]);
    expect(await readBackText(server().url, path)).toBe("aXbcd");
  });

  it("does not hang when a batch that overtook its predecessor is waiting for it during the claim", async () => {
    const { wire, path, stream } = await setup();
    const producer = new IdempotentProducer(stream, "auto-2", {
      ...oneMessagePerBatch,
      maxInFlight: 2,
      autoClaim: true,
    });
    const errors = collectErrors(producer);
    producer.append("a");
    await producer.flush();

    const late = wire.hold(batch(0, 1));
    producer.append("b");
    producer.append("c");
    // Sequence 2 overtakes sequence 1 (409) and waits for it ...
    await vi.waitFor(
      () => expect(wire.producerPosts.find((r) => r.producer!.seq === 2)?.status).toBe(409),
      { timeout: 5000 },
    );
    // ... another writer claims epoch 5, and sequence 1 is fenced (403).
    await rawProducerPost(server().url, path, { id: "auto-2", epoch: 5, seq: 0 }, "X");
    late.release();

    expect(await within(producer.flush(), 10_000)).not.toBe("timeout");
    expect(errors).toEqual([]);
    const claimed = wire.producerPosts.filter((r) => r.producer!.epoch === 6 && r.status === 200);
    expect(claimed.map((r) => [r.producer!.seq, bodyText(r)])).toEqual([
      [0, "b"],
      [1, "c"],
    ]);
    expect(await readBackText(server().url, path)).toBe("aXbc");
  });

  it("takes over from a second producer object that claimed a higher epoch mid-flight", async () => {
    const { wire, path, stream } = await setup();
    const a = new IdempotentProducer(stream, "auto-3", {
      ...oneMessagePerBatch,
      maxInFlight: 3,
      autoClaim: true,
    });
    const aErrors = collectErrors(a);
    a.append("a0;");
    await a.flush();

    const hold = wire.hold((r) => r.producer?.epoch === 0);
    for (const m of ["a1;", "a2;", "a3;"]) a.append(m);
    await vi.waitFor(() => expect(hold.held.length).toBe(3), { timeout: 5000 });

    const b = new IdempotentProducer(
      testClient(server()).stream(path, { contentType: "text/plain" }),
      "auto-3",
      { epoch: 1, lingerMs: 0 },
    );
    const bErrors = collectErrors(b);
    b.append("b;");
    await b.flush();
    hold.release();
    await a.flush();

    expect(aErrors).toEqual([]);
    expect(a.epoch).toBe(2);
    b.append("b2;");
    const bError = await rejection(b.flush());
    expect(bError).toBeInstanceOf(StaleEpochError);
    expect((bError as StaleEpochError).currentEpoch).toBe(2);
    expect(bErrors.map((e) => e.error)).toEqual([bError]);
    expect(await readBackText(server().url, path)).toBe("a0;b;a1;a2;a3;");
  });
});

describe("restart()", () => {
  it("does not let a batch appended during restart() be fenced by the new epoch", async () => {
    const { wire, path, stream } = await setup();
    const producer = new IdempotentProducer(stream, "restart-1", { lingerMs: 0, maxInFlight: 5 });
    const errors = collectErrors(producer);
    // Any old-epoch batch after the first one is held back, so it is still out
    // when the new epoch begins.
    const straggler = wire.hold((r) => r.producer?.epoch === 0 && r.producer.seq >= 1);
    producer.append("a;");
    const restarting = producer.restart();
    producer.append("b;"); // appended while restarting
    await restarting;
    expect(producer.epoch).toBe(1);
    producer.append("c;");
    // Give the new epoch's first batch every chance to overtake the straggler.
    await eventually(() => wire.producerPosts.some((r) => bodyText(r) === "c;"), 300);
    straggler.release();
    await producer.flush();

    expect(errors).toEqual([]);
    expect(wire.requests.some((r) => r.status === 403)).toBe(false);
    expect(await readBackText(server().url, path)).toBe("a;b;c;");
  });
});
