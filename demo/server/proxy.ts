import { Agent, request, type IncomingMessage, type ServerResponse } from "node:http";

/**
 * Forwards a request to the reference server unchanged (method, path, query,
 * headers, body) and streams the answer back as it arrives, so SSE and
 * long-polls pass straight through. When the browser goes away, the upstream
 * request is aborted at once.
 */
export function createProxy(upstream: string): {
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  close: () => void;
} {
  const target = new URL(upstream);
  const agent = new Agent({ keepAlive: true });

  const handle = (req: IncomingMessage, res: ServerResponse, retried = false): void => {
    const bodiless = req.method === "GET" || req.method === "HEAD";
    const upstreamRequest = request({
      agent,
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers: req.headers,
    });

    const abort = () => {
      if (!res.writableFinished) upstreamRequest.destroy();
    };
    res.on("close", abort);

    upstreamRequest.on("response", (upstreamResponse: IncomingMessage) => {
      res.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
      // Send the headers now: an SSE stream or a parked long-poll has no body yet.
      res.flushHeaders();
      upstreamResponse.pipe(res);
      upstreamResponse.on("error", () => res.destroy());
    });

    upstreamRequest.on("error", (error: NodeJS.ErrnoException) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (res.destroyed) return;
      // A kept-alive socket the server closed just as it was reused: the request never
      // reached the server, so a bodiless one is sent again once on a fresh socket.
      if (!retried && upstreamRequest.reusedSocket && bodiless && error.code === "ECONNRESET") {
        res.off("close", abort);
        handle(req, res, true);
        return;
      }
      res.writeHead(502, { "content-type": "text/plain; charset=utf-8" });
      res.end(`Bad gateway: ${error.message}\n`);
    });

    if (bodiless) upstreamRequest.end();
    else req.pipe(upstreamRequest);
  };

  return { handle, close: () => agent.destroy() };
}
