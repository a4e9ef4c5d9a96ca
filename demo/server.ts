/**
 * The demo: the embedded Durable Streams reference server (file-backed,
 * loopback only) behind one HTTP server that proxies `/streams/`, serves the
 * demo API under `/api/`, and the React app in Vite dev mode.
 *
 *   npm start                    # http://127.0.0.1:4173/
 *   PORT=0 DEMO_DATA_DIR=/tmp/x npm start
 */
import { mkdirSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { DurableStreamTestServer } from "@durable-streams/server";
import { createServer as createViteServer } from "vite";
import { DurableStreamClient } from "../src/client/index.js";
import { createApi } from "./server/api.js";
import { Generations } from "./server/generations.js";
import { LiveRequests } from "./server/live-requests.js";
import { AppendRefusals } from "./server/append-refusals.js";
import { createProxy } from "./server/proxy.js";

export interface DemoOptions {
  /** Port on 127.0.0.1; 0 picks a free one. Default 4173. */
  port?: number;
  /** Where the reference server keeps its streams. Default `.data/` at the repository root. */
  dataDir?: string;
  /**
   * Watch the app's files and hot-reload the page on changes. Default true;
   * the end-to-end tests turn it off so nothing reloads a page under test.
   */
  watch?: boolean;
}

export interface Demo {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  close(): Promise<void>;
}

const HOST = "127.0.0.1";
const DEMO_ROOT = import.meta.dirname;
const DEFAULT_DATA_DIR = resolve(DEMO_ROOT, "..", ".data");

/** Starts the reference server, the proxy, the API and the app; resolves once listening. */
export async function startDemo(options: DemoOptions = {}): Promise<Demo> {
  const port = options.port ?? 4173;
  const dataDir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  mkdirSync(dataDir, { recursive: true });

  // Everything started so far, stopped in reverse order on close or on a failed start.
  const stops: Array<() => unknown> = [];
  const stopAll = async () => {
    for (const stop of stops.splice(0).reverse()) {
      await Promise.resolve()
        .then(stop)
        .catch((error: unknown) => console.error("[demo] error while stopping:", error));
    }
  };

  try {
    const streams = new DurableStreamTestServer({ host: HOST, port: 0, dataDir });
    const streamsUrl = await streams.start();
    stops.push(() => streams.stop());
    const client = new DurableStreamClient({ baseUrl: streamsUrl });
    await client.stream("/streams/board").create({ contentType: "application/json" });
    for (let i = 0; i < 10; i++) {
      await client.stream(`/streams/tiles/${i}`).create({ contentType: "application/json" });
    }
    const generations = new Generations(client);
    stops.push(() => generations.close());
    await generations.resume();
    const proxy = createProxy(streamsUrl);
    stops.push(() => proxy.close());
    const liveRequests = new LiveRequests();
    const appendRefusals = new AppendRefusals();
    const api = createApi(generations, liveRequests, appendRefusals);

    // Vite attaches its HMR websocket to this server, so the server exists before Vite does.
    const server = createServer();
    // Longer than any client's idle keep-alive (Node's 5 s default races with a reused
    // connection and resets requests now and then).
    server.keepAliveTimeout = 65_000;
    const watch = options.watch ?? true;
    const vite = await createViteServer({
      configFile: resolve(DEMO_ROOT, "vite.config.ts"),
      root: DEMO_ROOT,
      appType: "spa",
      server: watch
        ? { middlewareMode: true, hmr: { server } }
        : { middlewareMode: true, hmr: false, watch: null },
    });
    stops.push(() => vite.close());
    const app = (req: IncomingMessage, res: ServerResponse) =>
      vite.middlewares(req, res, (error?: unknown) => {
        if (res.headersSent) return void res.destroy();
        res.writeHead(error ? 500 : 404, { "content-type": "text/plain; charset=utf-8" });
        res.end(error ? "Internal error\n" : "Not found\n");
      });
    server.on("request", (req: IncomingMessage, res: ServerResponse) => {
      const path = req.url ?? "/";
      if (path.startsWith("/streams/")) {
        liveRequests.track(req, res);
        if (appendRefusals.refuses(req)) {
          res.writeHead(503, { "content-type": "text/plain; charset=utf-8" });
          res.end("Refused for the test (POST /api/append-refusals)\n");
        } else proxy.handle(req, res);
      } else if (path.startsWith("/api/")) void api(req, res);
      else app(req, res);
    });

    await new Promise<void>((listening, reject) => {
      server.once("error", reject);
      server.listen(port, HOST, () => {
        server.off("error", reject);
        listening();
      });
    });
    stops.push(() => {
      const closed = new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections(); // parked long-polls and SSE would hold close() forever
      return closed;
    });

    const { port: actualPort } = server.address() as AddressInfo;
    let closing: Promise<void> | undefined;
    return {
      url: `http://${HOST}:${actualPort}/`,
      close: () => (closing ??= stopAll()),
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

function portFromEnv(): number {
  const raw = process.env.PORT ?? "4173";
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`PORT must be an integer from 0 to 65535, got "${raw}"`);
  }
  return port;
}

/**
 * The reference server logs routine `[info]` lines (store recovery, slow
 * appends) to stdout; the demo's stdout is its one URL line. Warnings and
 * errors still reach stderr, except, once stopping, the "Database is closed"
 * errors of SSE handlers whose browser had already gone (the reference server
 * only notices a departed SSE reader at its next wake-up).
 */
function quietReferenceServerLogs(isStopping: () => boolean): void {
  const { info, error } = console;
  console.info = (...args: unknown[]) => {
    if (typeof args[0] === "string" && args[0].startsWith("[info] ")) return;
    info.apply(console, args);
  };
  console.error = (...args: unknown[]) => {
    if (isStopping() && typeof args[0] === "string" && args[0].startsWith("[error] Request error:"))
      return;
    error.apply(console, args);
  };
}

async function main(): Promise<void> {
  let stopping = false;
  quietReferenceServerLogs(() => stopping);
  const demo = await startDemo({
    port: portFromEnv(),
    dataDir: process.env.DEMO_DATA_DIR,
    watch: process.env.DEMO_WATCH !== "0",
  });
  console.log(`Demo: ${demo.url}`);
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1); // a second Ctrl+C: do not wait any longer
    stopping = true;
    demo.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`[demo] error while stopping on ${signal}:`, error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === import.meta.filename) {
  main().catch((error: unknown) => {
    console.error("[demo] failed to start:", error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
