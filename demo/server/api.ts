import type { IncomingMessage, ServerResponse } from "node:http";
import type { AppendRefusals } from "./append-refusals.js";
import type { LiveRequests } from "./live-requests.js";
import type { Generations } from "./generations.js";

const MAX_BODY_BYTES = 64 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(json),
    "cache-control": "no-store",
  });
  res.end(json);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "body too large");
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, "body is not JSON");
  }
}

function numberField(body: Record<string, unknown>, name: string, fallback: number): number {
  const value = body[name];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new HttpError(400, `${name} must be a number`);
  }
  return value;
}

/** Parses `{ rate?, tokens? }`, with the defaults and sane bounds. */
function generateOptions(body: unknown): { rate: number; tokens: number } {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "body must be a JSON object");
  }
  const fields = body as Record<string, unknown>;
  const rate = numberField(fields, "rate", 40);
  const tokens = numberField(fields, "tokens", 400);
  if (rate <= 0 || rate > 100_000) throw new HttpError(400, "rate must be in (0, 100000]");
  if (!Number.isInteger(tokens) || tokens < 1 || tokens > 1_000_000) {
    throw new HttpError(400, "tokens must be an integer in [1, 1000000]");
  }
  return { rate, tokens };
}

/**
 * The demo API:
 * - `POST /api/generate` `{ rate?, tokens? }` starts a simulated model run: `{ id, url }`.
 * - `GET /api/generations/<id>`: `{ id, url, tokens, rate, done }`.
 * - `GET /api/live-requests?path=<stream path>`: `{ open, peak, started }`, the
 *   live reads of that stream the server sees (`POST` resets peak and started).
 * - `POST /api/append-refusals` `{ producerId, allow }`: after that producer's
 *   first `allow` appends, the rest are answered 503 (`allow: -1` ends it),
 *   for the outbox tests.
 */
export function createApi(
  generations: Generations,
  liveRequests: LiveRequests,
  appendRefusals: AppendRefusals,
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestUrl = new URL(req.url ?? "/", "http://localhost");
    const path = requestUrl.pathname;
    try {
      if (path === "/api/live-requests") {
        const stream = requestUrl.searchParams.get("path");
        if (!stream) throw new HttpError(400, "give ?path=<stream path>");
        if (req.method === "POST") liveRequests.reset(stream);
        else if (req.method !== "GET") throw new HttpError(405, "use GET or POST");
        send(res, 200, liveRequests.of(stream));
        return;
      }
      if (path === "/api/append-refusals") {
        if (req.method !== "POST") throw new HttpError(405, "use POST");
        const { producerId, allow } = (await readJson(req)) as {
          producerId?: unknown;
          allow?: unknown;
        };
        if (typeof producerId !== "string" || !Number.isSafeInteger(allow)) {
          throw new HttpError(400, "give { producerId: string, allow: whole number (-1 ends it) }");
        }
        appendRefusals.set(producerId, allow as number);
        send(res, 200, { producerId, allow });
        return;
      }
      if (path === "/api/generate") {
        if (req.method !== "POST") throw new HttpError(405, "use POST");
        const { rate, tokens } = generateOptions(await readJson(req));
        const { id, url } = await generations.start(rate, tokens);
        send(res, 200, { id, url });
        return;
      }
      const match = /^\/api\/generations\/([A-Za-z0-9_-]+)$/.exec(path);
      if (match?.[1] !== undefined) {
        if (req.method !== "GET" && req.method !== "HEAD") throw new HttpError(405, "use GET");
        const info = generations.get(match[1]);
        if (!info) throw new HttpError(404, "no such generation");
        const { id, url, tokens, rate, done } = info;
        send(res, 200, { id, url, tokens, rate, done });
        return;
      }
      throw new HttpError(404, "not found");
    } catch (error) {
      if (res.headersSent) return void res.destroy();
      if (error instanceof HttpError) send(res, error.status, { error: error.message });
      else {
        console.error("[demo] API error:", error);
        send(res, 500, { error: error instanceof Error ? error.message : String(error) });
      }
    }
  };
}
