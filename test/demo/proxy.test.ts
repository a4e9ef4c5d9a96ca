// @vitest-environment node
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createProxy } from "../../demo/server/proxy.js";

/**
 * The demo's stream proxy keeps connections to the reference server alive. A
 * kept-alive socket the server closes just as the proxy reuses it fails
 * without the request having reached the server: that race made an e2e read
 * see a 502. Loopback servers, because the reference server cannot be made to
 * close a socket at that moment: the upstream here drops every socket on its
 * second request, which the proxy sends on a reused socket.
 */

const servers: Server[] = [];
const closers: Array<() => void> = [];

afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** An upstream that answers a socket's first request and drops the socket on its second. */
async function droppingUpstream(): Promise<{ url: string; answered: () => number }> {
  let answered = 0;
  const seen = new WeakMap<object, number>();
  const upstream = createServer((req, res) => {
    const count = (seen.get(req.socket) ?? 0) + 1;
    seen.set(req.socket, count);
    if (count > 1) {
      req.socket.destroy();
      return;
    }
    answered++;
    res.end(`ok ${req.method}`);
  });
  return { url: await listen(upstream), answered: () => answered };
}

async function proxyTo(upstream: string): Promise<string> {
  const proxy = createProxy(upstream);
  closers.push(proxy.close);
  return listen(createServer((req, res) => proxy.handle(req, res)));
}

describe("demo stream proxy", () => {
  it("sends a GET again on a fresh socket when a reused one was closed under it", async () => {
    const upstream = await droppingUpstream();
    const proxy = await proxyTo(upstream.url);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await fetch(`${proxy}/streams/x`);
      statuses.push(response.status);
      expect(await response.text()).toBe("ok GET");
    }
    expect(statuses).toEqual([200, 200, 200]);
    expect(upstream.answered()).toBe(3);
  });

  it("does not send a POST twice: a reset after reuse is a 502", async () => {
    const upstream = await droppingUpstream();
    const proxy = await proxyTo(upstream.url);
    expect((await fetch(`${proxy}/streams/x`, { method: "POST", body: "a" })).status).toBe(200);
    const second = await fetch(`${proxy}/streams/x`, { method: "POST", body: "b" });
    expect(second.status).toBe(502);
    expect(upstream.answered()).toBe(1);
  });
});
