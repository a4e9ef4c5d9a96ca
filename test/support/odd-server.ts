import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback HTTP server that answers every request to a stream path in one
 * configurable odd way, and counts what it was asked.
 *
 * It exists because the reference server (`DurableStreamTestServer`) is
 * well-behaved and cannot produce these answers: data under an offset that
 * does not move, offsets that go backwards, a stream that lost its data while
 * keeping its URL, long-polls answered at once (a cache replaying a stale
 * answer, a server that never waits), SSE responses that end before their
 * first event, or 401. Tests use it to prove that no such answer turns into a
 * request storm. Everything the reference server can produce is tested
 * against the reference server instead.
 */

/** One request, as the answer function sees it. */
export interface OddRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  offset: string | null;
  live: string | null;
  cursor: string | null;
  /** 1 for the first request since the last `answerWith`, 2 for the next, and so on. */
  number: number;
}

/** How to answer one request. */
export interface OddAnswer {
  status: number;
  headers?: Record<string, string>;
  /** Sent as is (not for HEAD, 204 or 304). */
  body?: string;
  /** Wait this long before answering (given up when the client goes away). */
  delayMs?: number;
}

export type OddAnswerFunction = (request: OddRequest) => OddAnswer;

/** What the server was asked since the last `answerWith`. */
export interface RequestCounts {
  total: number;
  /** By `live` query parameter; requests without one count under `"none"`. */
  byLive: Record<string, number>;
  byMethod: Record<string, number>;
  /** Every request in order: method, `live` (or null) and query string. */
  log: Array<{ method: string; live: string | null; query: string }>;
  /** The most recent query strings, newest last. */
  lastQueries(n?: number): string[];
}

export interface OddServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly counts: RequestCounts;
  /** Replaces the answer function and starts counting from zero. */
  answerWith(answer: OddAnswerFunction): void;
  /** Ends every open connection and stops listening. */
  close(): Promise<void>;
}

/** Keeps the log from growing without bound when a client does storm. */
const LOG_LIMIT = 10_000;

function freshCounts(): RequestCounts {
  const log: RequestCounts["log"] = [];
  return {
    total: 0,
    byLive: {},
    byMethod: {},
    log,
    lastQueries: (n = 5) => log.slice(-n).map((entry) => entry.query),
  };
}

export async function startOddServer(
  answer: OddAnswerFunction = () => ({ status: 404 }),
): Promise<OddServer> {
  let current = answer;
  let counts = freshCounts();

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const method = req.method ?? "GET";
    const live = url.searchParams.get("live");
    counts.total++;
    counts.byLive[live ?? "none"] = (counts.byLive[live ?? "none"] ?? 0) + 1;
    counts.byMethod[method] = (counts.byMethod[method] ?? 0) + 1;
    if (counts.log.length < LOG_LIMIT) counts.log.push({ method, live, query: url.search });
    let reply: OddAnswer;
    try {
      reply = current({
        method,
        path: url.pathname,
        query: url.searchParams,
        offset: url.searchParams.get("offset"),
        live,
        cursor: url.searchParams.get("cursor"),
        number: counts.total,
      });
    } catch (error) {
      reply = { status: 500, body: `answer function threw: ${String(error)}` };
    }
    // Request bodies (appends) are not needed; drain them so the connection stays usable.
    req.resume();
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(reply.status, reply.headers);
      const bodyless = method === "HEAD" || reply.status === 204 || reply.status === 304;
      res.end(bodyless ? undefined : reply.body);
    };
    if (!reply.delayMs) {
      send();
      return;
    }
    const timer = setTimeout(send, reply.delayMs);
    // A client that gave up (an aborted long-poll) is not answered.
    res.on("close", () => clearTimeout(timer));
  };

  const server = createServer(handle);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    get counts() {
      return counts;
    },
    answerWith(next) {
      current = next;
      counts = freshCounts();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
