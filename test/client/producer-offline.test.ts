import { describe, expect, it } from "vitest";
import { IdempotentProducer, NetworkError, ProducerClosedError } from "../../src/client/index.js";
import { collectErrors, readBackText, within } from "../support/producer-wire.js";
import { fakeNetwork, offlineAwareFetch } from "../support/fake-network.js";
import { clearFaults, injectFault } from "../support/faults.js";
import { delay } from "../support/read-helpers.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";

const server = sharedTestServer();

/** A producer on a fresh text stream whose client sees `network`; sequence 0 already delivered. */
async function setup(deliveryTimeoutMs?: number) {
  const network = fakeNetwork();
  const fetch = offlineAwareFetch(network);
  const client = testClient(server(), { fetch, network, warnOnHttp: false });
  const path = uniquePath("producer-offline");
  const stream = await client.createStream(path, { contentType: "text/plain" });
  const producer = new IdempotentProducer(stream, "offline-1", { lingerMs: 0, deliveryTimeoutMs });
  const errors = collectErrors(producer);
  producer.append("a;");
  await producer.flush();
  return { network, fetch, path, producer, errors };
}

describe("a producer while the host is offline", () => {
  it("sends nothing while offline, and delivers once the network is back", async () => {
    const { network, fetch, path, producer, errors } = await setup();
    network.set(false);
    producer.append("b;");
    const flushed = producer.flush();
    await delay(500);
    expect(fetch.offlineAttempts).toBe(0);
    network.set(true);
    await flushed;
    expect(errors).toEqual([]);
    expect(await readBackText(server().url, path)).toBe("a;b;");
  });

  it("waiting past its delivery timeout is certainly not stored: outcomeUnknown false, and the producer goes on", async () => {
    const { network, fetch, path, producer, errors } = await setup(300);
    network.set(false);
    producer.append("b;");
    const error = await producer.flush().catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).outcomeUnknown).toBe(false);
    expect(errors.map((e) => e.info.outcomeUnknown)).toEqual([false]);
    expect(fetch.offlineAttempts).toBe(0);
    network.set(true);
    producer.append("c;");
    await producer.flush();
    expect(await readBackText(server().url, path)).toBe("a;c;");
  });

  it("with no delivery timeout (Infinity) it waits without a request storm", async () => {
    const { network, fetch, path, producer } = await setup(Infinity);
    network.set(false);
    producer.append("b;");
    const flushed = producer.flush();
    await delay(1_000);
    expect(fetch.offlineAttempts).toBe(0);
    network.set(true);
    await flushed;
    expect(await readBackText(server().url, path)).toBe("a;b;");
  });

  it("detach() while a batch waits for the network returns promptly and reports the batch", async () => {
    const { network, producer, errors } = await setup();
    network.set(false);
    producer.append("b;");
    void producer.flush().catch(() => undefined);
    await delay(100);
    expect(await within(producer.detach(), 5_000)).not.toBe("timeout");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.error).toBeInstanceOf(ProducerClosedError);
    expect(errors[0]!.info.outcomeUnknown).toBe(false);
    expect(errors[0]!.info.messages).toEqual(["b;"]);
  });

  it("the stream's content type out of reach: it keeps accepting appends and delivers them once the server answers", async () => {
    const path = uniquePath("producer-head-down");
    await testClient(server()).createStream(path, { contentType: "text/plain" });
    // A handle that does not know the content type: the first batch needs a HEAD,
    // and every HEAD fails (503) well past the client's own retries.
    await injectFault(server().url, path, { status: 503, method: "HEAD", count: 12 });
    const requests: string[] = [];
    const counting = testClient(server(), {
      warnOnHttp: false,
      fetch: (input, init) => {
        requests.push(init.method ?? "GET");
        return globalThis.fetch(input, init);
      },
    });
    const producer = new IdempotentProducer(counting.stream(path), "head-down", { lingerMs: 0 });
    const errors = collectErrors(producer);
    try {
      producer.append("a;");
      await delay(300);
      expect(producer.stopped, "a HEAD that fails for now does not stop the producer").toBe(false);
      expect(() => producer.append("b;")).not.toThrow();
      expect(await within(producer.flush(), 10_000)).toBeUndefined();
      expect(errors).toEqual([]);
      expect(await readBackText(server().url, path)).toBe("a;b;");
      const heads = requests.filter((method) => method === "HEAD").length;
      // 12 refused, then one answered; backoff keeps them apart (no storm).
      expect(heads).toBe(13);
    } finally {
      await clearFaults(server().url);
      await producer.detach();
    }
  });
});
