import { createServer, connect, type AddressInfo, type Server, type Socket } from "node:net";

/**
 * A loopback TCP proxy that breaks connections the way real networks do, for
 * fault tests against the real reference server: the client talks to the
 * proxy, the proxy forwards bytes to the server and back, and on the way it
 *
 * - resets new connections at once (RST before a byte was forwarded), and
 * - cuts connections mid-chunk: of a chunk of the server's bytes it forwards
 *   only a prefix, then closes the client side (half of the cuts with a FIN,
 *   half with an RST) and drops the server side.
 *
 * It knows nothing of HTTP: a cut may land in a status line, in headers, in a
 * body or in an SSE event, like a real failure would. Only bytes from server
 * to client are cut, so a request always reaches the server whole or not at
 * all, and a cut response means the server did the work (an append landed).
 *
 * Every decision comes from a seeded PRNG, one sequence per connection derived
 * from (seed, connection number), so the fate of connection n does not depend
 * on how the other connections interleaved, and a run repeats given the same
 * traffic. How the kernel splits the server's bytes into chunks can differ
 * from run to run (timing), so the counts are repeatable, not identical.
 */
export interface FaultProxyOptions {
  /** The server to forward to, as `http://127.0.0.1:PORT` (only loopback is accepted). */
  target: string;
  /** Seed of the PRNG; print it in the test name so a failure can be replayed. */
  seed: number;
  /** Probability, per chunk of server bytes relayed, that the connection is cut inside that chunk. */
  cutRate: number;
  /** Probability that a new connection is reset before anything is forwarded. */
  resetRate: number;
}

/** What the proxy did so far. */
export interface FaultProxyStats {
  /** Connections accepted from clients. */
  connections: number;
  /** Connections reset at once, before anything was forwarded. */
  resets: number;
  /** Connections cut after part of a chunk of server bytes was forwarded. */
  cuts: number;
  /** Chunks of server bytes relayed whole. */
  chunksRelayed: number;
  /** Bytes from the server that reached the client side (whole chunks and cut prefixes). */
  bytesRelayed: number;
}

/** One fault, in the order the proxy committed it. */
export interface FaultEvent {
  /** The connection's number, from 0 in accept order. */
  connection: number;
  kind: "reset" | "cut";
  /** For a cut: bytes of the cut chunk that were forwarded (the rest were dropped). */
  forwardedOfChunk: number;
  /** For a cut: whether the client side was closed with an RST (else a FIN). */
  withReset: boolean;
}

export interface FaultProxy {
  /** The proxy's base URL, `http://127.0.0.1:PORT`: give it to the client instead of the server's. */
  readonly url: string;
  /** A snapshot of the counters. */
  stats(): FaultProxyStats;
  /** Every fault so far, in order. */
  readonly events: readonly FaultEvent[];
  /** Destroys every connection and stops listening. */
  close(): Promise<void>;
}

/** Starts a fault proxy on 127.0.0.1, port 0. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const { cutRate, resetRate, seed } = options;
  for (const [name, rate] of [
    ["cutRate", cutRate],
    ["resetRate", resetRate],
  ] as const) {
    if (!(rate >= 0 && rate <= 1))
      throw new RangeError(`${name} must be within [0, 1], got ${rate}`);
  }
  const target = new URL(options.target);
  if (target.hostname !== "127.0.0.1") {
    throw new RangeError(`the fault proxy forwards to 127.0.0.1 only, not ${target.hostname}`);
  }
  const targetPort = Number(target.port);

  const stats: FaultProxyStats = {
    connections: 0,
    resets: 0,
    cuts: 0,
    chunksRelayed: 0,
    bytesRelayed: 0,
  };
  const events: FaultEvent[] = [];
  const openSockets = new Set<Socket>();
  const track = (socket: Socket) => {
    openSockets.add(socket);
    socket.once("close", () => openSockets.delete(socket));
    // Errors are the point of this proxy; the close that follows them is handled below.
    socket.on("error", () => undefined);
  };

  const server: Server = createServer((client) => {
    const connection = stats.connections++;
    const random = seededRandom(connectionSeed(seed, connection));
    track(client);
    if (random() < resetRate) {
      stats.resets++;
      events.push({ connection, kind: "reset", forwardedOfChunk: 0, withReset: true });
      client.resetAndDestroy();
      return;
    }
    const upstream = connect({ host: "127.0.0.1", port: targetPort });
    track(upstream);
    client.pipe(upstream);
    let cut = false;

    upstream.on("data", (chunk: Buffer) => {
      if (cut) return;
      if (random() >= cutRate) {
        stats.chunksRelayed++;
        stats.bytesRelayed += chunk.length;
        // Backpressure: a slow client must not make the proxy buffer a whole response.
        if (!client.write(chunk)) {
          upstream.pause();
          client.once("drain", () => upstream.resume());
        }
        return;
      }
      // A strict prefix, so the client never receives the whole chunk, and (when
      // the chunk has more than one byte) at least one byte, so it is "mid-chunk".
      const forwarded = chunk.length > 1 ? 1 + Math.floor(random() * (chunk.length - 1)) : 0;
      const withReset = random() < 0.5;
      cut = true;
      stats.cuts++;
      stats.bytesRelayed += forwarded;
      events.push({ connection, kind: "cut", forwardedOfChunk: forwarded, withReset });
      client.unpipe(upstream);
      upstream.destroy();
      // The prefix is handed to the kernel before the connection goes; an RST may
      // still discard bytes the client had not read yet, as a real reset does.
      client.write(chunk.subarray(0, forwarded), () => {
        if (withReset) client.resetAndDestroy();
        else client.destroySoon();
      });
    });
    // The server closed (idle keep-alive, shutdown): pass the close on.
    upstream.on("end", () => {
      if (!cut) client.end();
    });
    upstream.on("close", () => {
      if (!cut) client.destroySoon();
    });
    client.on("close", () => upstream.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    stats: () => ({ ...stats }),
    events,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const socket of openSockets) socket.destroy();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * The seed of one connection's PRNG: the proxy seed and the connection number
 * mixed (an integer hash with good avalanche), so neighbouring connections get
 * unrelated sequences.
 */
function connectionSeed(seed: number, connection: number): number {
  let h = (seed ^ Math.imul(connection + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h = (h ^ (h >>> 16)) >>> 0;
  // xorshift has one fixed point, 0, that it never leaves.
  return h === 0 ? 0x6d2b79f5 : h;
}

/** Marsaglia's xorshift32: uniform numbers in [0, 1), the same sequence for the same seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 0x6d2b79f5;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 0x1_0000_0000;
  };
}
