import { readFile } from "node:fs/promises";
import { Agent, createServer, request, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize, sep } from "node:path";

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
};

/** The page's origin: the built page, and `/streams/*` passed through to the reference server. */
export interface Origin {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  url: string;
  /** GET requests the page made for a stream path: each one is a catch-up read or a long-poll. */
  reads(path: string): number;
  close(): Promise<void>;
}

/**
 * One loopback origin for the page and its streams, so the browser makes
 * same-origin requests only, as it would behind an app's own server.
 */
export async function startOrigin(siteDir: string, streamsUrl: string): Promise<Origin> {
  const upstream = new URL(streamsUrl);
  // Keep-alive, so the proxy does not add a TCP handshake to every long-poll or append.
  const agent = new Agent({ keepAlive: true });
  const reads = new Map<string, number>();
  const server = createServer((req, res) => {
    const url = req.url ?? "/";
    if (url.startsWith("/streams/")) {
      if (req.method === "GET") {
        const path = new URL(url, "http://x").pathname;
        reads.set(path, (reads.get(path) ?? 0) + 1);
      }
      forward(req, res, upstream, agent);
    } else {
      void serveFile(req, res, siteDir);
    }
  });
  await new Promise<void>((listening, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      listening();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    reads: (path) => reads.get(path) ?? 0,
    close: () =>
      new Promise<void>((closed) => {
        // An open SSE response would keep close() waiting forever.
        server.closeAllConnections();
        server.close(() => {
          agent.destroy();
          closed();
        });
      }),
  };
}

/**
 * Passes a request through unchanged and streams the answer back as it
 * comes: SSE events must reach the page when they are written, not when the
 * response ends.
 */
function forward(req: IncomingMessage, res: ServerResponse, upstream: URL, agent: Agent): void {
  const outgoing = request({
    agent,
    hostname: upstream.hostname,
    port: upstream.port,
    method: req.method,
    path: req.url,
    headers: req.headers,
  });
  outgoing.on("response", (incoming) => {
    res.writeHead(incoming.statusCode ?? 502, incoming.headers);
    res.flushHeaders();
    incoming.pipe(res);
    incoming.on("error", () => res.destroy());
  });
  outgoing.on("error", (error) => {
    if (res.headersSent) res.destroy();
    else res.writeHead(502, { "content-type": "text/plain" }).end(`proxy: ${error.message}\n`);
  });
  // The page closing a live read must end the upstream request too.
  res.on("close", () => {
    if (!res.writableFinished) outgoing.destroy();
  });
  req.pipe(outgoing);
}

async function serveFile(req: IncomingMessage, res: ServerResponse, root: string): Promise<void> {
  const pathname = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
  const relative = normalize(pathname === "/" ? "/index.html" : pathname).replace(/^[/\\]+/, "");
  const file = join(root, relative);
  if (!file.startsWith(root + sep)) {
    res.writeHead(403).end();
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, {
      "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
      "content-length": body.length,
      "cache-control": "no-store",
    });
    res.end(body);
  } catch {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
  }
}
