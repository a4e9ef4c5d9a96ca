// @vitest-environment node
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { startFaultProxy, type FaultEvent } from "../support/fault-proxy.js";
import { uniquePath } from "../support/server.js";
import { FAULT_TEST_TIMEOUT_MS, faultEnvironment } from "./fault-setup.js";

// The proxy is the instrument of every other test in this folder; these tests
// check that it does what they rely on, so that none of them passes because
// the proxy quietly forwarded everything.

const env = faultEnvironment();

/** What one raw HTTP/1.1 exchange on a fresh connection received before the connection ended. */
interface RawExchange {
  bytes: Buffer;
  /** The socket error code, when the connection ended with one (ECONNRESET for an RST). */
  errorCode: string | undefined;
}

/** Sends `GET path` with `Connection: close` on a new TCP connection and collects the reply. */
function rawGet(baseUrl: string, path: string): Promise<RawExchange> {
  const { port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const received: Buffer[] = [];
    let errorCode: string | undefined;
    const socket = connect({ host: "127.0.0.1", port: Number(port) }, () => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
    });
    socket.on("data", (chunk: Buffer) => received.push(chunk));
    socket.on("error", (error: NodeJS.ErrnoException) => (errorCode = error.code));
    socket.on("close", () => resolve({ bytes: Buffer.concat(received), errorCode }));
  });
}

/** A text stream of `size` bytes on the server, created directly; returns its read path. */
async function textStream(size: number): Promise<string> {
  const path = uniquePath("proxy");
  const stream = await env.directClient().createStream(path, { contentType: "text/plain" });
  await stream.append("x".repeat(size));
  return `${path}?offset=-1`;
}

describe("fault proxy", () => {
  it("with both rates at 0 it forwards every byte (seed 0x1)", async () => {
    const readPath = await textStream(200_000);
    const proxy = await env.proxy(0x1, 0);
    const direct = await rawGet(env.server().url, readPath);
    const proxied = await rawGet(proxy.url, readPath);
    // Only the Date header may differ between the two replies (the body is chunked, so
    // the reply is a little longer than the 200,000 bytes of data).
    const withoutDate = (reply: Buffer) => reply.toString("latin1").replace(/^date: .*\r\n/im, "");
    expect(proxied.errorCode).toBeUndefined();
    expect(withoutDate(proxied.bytes)).toBe(withoutDate(direct.bytes));
    expect(proxied.bytes.length).toBeGreaterThan(200_000);
    expect(proxy.stats()).toMatchObject({ connections: 1, resets: 0, cuts: 0 });
  });

  it("cutRate 1 cuts the first chunk after forwarding part of it (seed 0x2)", async () => {
    const readPath = await textStream(10_000);
    const full = (await rawGet(env.server().url, readPath)).bytes.length;
    const proxy = await env.proxy(0x2, 0);
    const cutting = await startFaultProxy({
      target: env.server().url,
      seed: 0x2,
      cutRate: 1,
      resetRate: 0,
    });
    try {
      for (let trial = 0; trial < 10; trial++) {
        const { bytes } = await rawGet(cutting.url, readPath);
        const [event] = cutting.events.slice(-1);
        // A strict, non-empty prefix of what the server sent, and exactly the bytes the proxy let through.
        expect(bytes.length).toBeGreaterThan(0);
        expect(bytes.length).toBeLessThan(full);
        // (Linux delivers bytes queued before an RST; the proxy hands them over first.)
        expect(bytes.length).toBe(event?.forwardedOfChunk);
      }
      expect(cutting.stats()).toMatchObject({ connections: 10, resets: 0, cuts: 10 });
    } finally {
      await cutting.close();
    }
    // The same request through a proxy with no faults arrives whole, so the cuts were the proxy's.
    expect((await rawGet(proxy.url, readPath)).bytes.length).toBe(full);
  });

  it("resetRate 1 resets every new connection before a byte is forwarded (seed 0x3)", async () => {
    const readPath = await textStream(100);
    const proxy = await startFaultProxy({
      target: env.server().url,
      seed: 0x3,
      cutRate: 0,
      resetRate: 1,
    });
    try {
      for (let trial = 0; trial < 5; trial++) {
        const { bytes, errorCode } = await rawGet(proxy.url, readPath);
        expect(bytes.length).toBe(0);
        expect(errorCode).toBe("ECONNRESET");
      }
      expect(proxy.stats()).toMatchObject({ connections: 5, resets: 5, cuts: 0, bytesRelayed: 0 });
    } finally {
      await proxy.close();
    }
  });

  it(
    "the same seed gives the same faults for the same traffic (seeds 0x5eed, 0x5eee)",
    async () => {
      // Small answers travel as one chunk, so the faults depend on the seed alone.
      const readPath = await textStream(100);
      const faultsOf = async (seed: number) => {
        const proxy = await startFaultProxy({
          target: env.server().url,
          seed,
          cutRate: 0.3,
          resetRate: 0.3,
        });
        try {
          for (let request = 0; request < 60; request++) await rawGet(proxy.url, readPath);
          return proxy.events.map(({ connection, kind }: FaultEvent) => `${connection}:${kind}`);
        } finally {
          await proxy.close();
        }
      };
      const first = await faultsOf(0x5eed);
      const again = await faultsOf(0x5eed);
      const otherSeed = await faultsOf(0x5eee);
      expect(again).toEqual(first);
      expect(otherSeed).not.toEqual(first);
      // 60 connections at 0.3 + 0.7 * 0.3 = 0.51 per connection: far from none and from all.
      expect(first.length).toBeGreaterThan(15);
      expect(first.length).toBeLessThan(45);
      expect(first.some((fault) => fault.endsWith(":reset"))).toBe(true);
      expect(first.some((fault) => fault.endsWith(":cut"))).toBe(true);
    },
    FAULT_TEST_TIMEOUT_MS,
  );
});
