import type {
  DurableStreamError,
  FetchFunction,
  IdempotentProducer,
  ProducerErrorInfo,
} from "../../src/client/index.js";

/** One request as it went to the real server, and how it was answered. */
export interface WireRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Headers;
  readonly body: Uint8Array | undefined;
  /** Producer headers, parsed, when all three were present. */
  readonly producer: { id: string; epoch: number; seq: number } | undefined;
  /** The answer's status; undefined while on the wire, 0 for a network failure. */
  status: number | undefined;
  responseHeaders: Headers | undefined;
  /** Requests on the wire (this one included) when it was sent. */
  readonly concurrentAtStart: number;
  /** Event clock: when the request was handed to fetch, and when it was answered. */
  readonly startedAt: number;
  answeredAt: number | undefined;
}

/** A set of held requests: they reach the server only once released. */
export interface Hold {
  readonly held: WireRequest[];
  release(): void;
}

type Match = (request: WireRequest) => boolean;

const decoder = new TextDecoder();

/**
 * A real `fetch` to the reference server that records every request, can hold
 * chosen requests back (to make them arrive late, deterministically), and can
 * lose chosen responses after the server applied the request (what a dropped
 * connection does; the server's fault injection only fails requests before
 * applying them, so this is the one thing done on the client side).
 */
export class Wire {
  readonly requests: WireRequest[] = [];
  private active = 0;
  private clock = 0;
  private readonly holds: Array<{ match: Match; gate: Promise<void>; hold: Hold; open: boolean }> =
    [];
  private readonly losses: Array<{ match: Match; remaining: number }> = [];
  private readonly answerHolds: Array<{ match: Match; gate: Promise<void>; hold: Hold }> = [];

  readonly fetch: FetchFunction = async (input, init) => {
    const headers = new Headers(init.headers);
    const body = bodyBytes(init.body);
    const request: WireRequest = {
      method: init.method ?? "GET",
      url: input,
      headers,
      body,
      producer: producerHeaders(headers),
      status: undefined,
      responseHeaders: undefined,
      concurrentAtStart: ++this.active,
      startedAt: ++this.clock,
      answeredAt: undefined,
    };
    this.requests.push(request);
    try {
      for (const entry of this.holds) {
        if (entry.open || !entry.match(request)) continue;
        entry.hold.held.push(request);
        await entry.gate;
      }
      const loss = this.losses.find((entry) => entry.remaining > 0 && entry.match(request));
      if (loss) loss.remaining--;
      let response: Response;
      try {
        response = await fetch(input, init);
      } catch (error) {
        request.status = 0;
        throw error;
      }
      request.status = response.status;
      request.responseHeaders = response.headers;
      for (const entry of this.answerHolds) {
        if (!entry.match(request)) continue;
        entry.hold.held.push(request);
        await entry.gate;
      }
      if (loss) {
        await response.body?.cancel();
        throw new TypeError("fetch failed (response lost on purpose by the test)");
      }
      return response;
    } finally {
      this.active--;
      request.answeredAt = ++this.clock;
    }
  };

  /** Holds every matching request until `release()`. */
  hold(match: Match): Hold {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const entry = {
      match,
      gate,
      open: false,
      hold: {
        held: [] as WireRequest[],
        release: () => {
          entry.open = true;
          open();
        },
      },
    };
    this.holds.push(entry);
    return entry.hold;
  }

  /** Lets matching requests reach the server but holds their answers until `release()`. */
  holdAnswers(match: Match): Hold {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const hold: Hold = { held: [], release: () => open() };
    this.answerHolds.push({ match, gate, hold });
    return hold;
  }

  /** The next `count` matching requests reach the server, but their answers are lost. */
  loseResponses(match: Match, count = 1): void {
    this.losses.push({ match, remaining: count });
  }

  /** Producer requests (POSTs with producer headers), in the order they were sent. */
  get producerPosts(): WireRequest[] {
    return this.requests.filter((r) => r.method === "POST" && r.producer !== undefined);
  }
}

/** Matches a producer request by epoch and sequence. */
export function batch(epoch: number, seq: number): Match {
  return (r) => r.producer?.epoch === epoch && r.producer.seq === seq;
}

export function bodyText(request: WireRequest): string {
  return request.body ? decoder.decode(request.body) : "";
}

function bodyBytes(body: RequestInit["body"]): Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return new TextEncoder().encode(body);
  if (ArrayBuffer.isView(body)) {
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength).slice();
  }
  throw new Error("unexpected body type in a producer test");
}

function producerHeaders(headers: Headers): WireRequest["producer"] {
  const id = headers.get("producer-id");
  const epoch = headers.get("producer-epoch");
  const seq = headers.get("producer-seq");
  if (id === null || epoch === null || seq === null) return undefined;
  return { id, epoch: Number(epoch), seq: Number(seq) };
}

/** Everything reported to a producer's error listener, in order. */
export function collectErrors(
  producer: IdempotentProducer,
): Array<{ error: DurableStreamError; info: ProducerErrorInfo }> {
  const errors: Array<{ error: DurableStreamError; info: ProducerErrorInfo }> = [];
  producer.on("error", (error, info) => errors.push({ error, info }));
  return errors;
}

/** The whole stream as the server holds it (plain GETs from the start until up to date). */
export async function readBack(serverUrl: string, path: string): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let offset = "-1";
  for (let i = 0; i < 10_000; i++) {
    const response = await fetch(`${serverUrl}${path}?offset=${encodeURIComponent(offset)}`);
    if (!response.ok) throw new Error(`read-back failed: ${response.status}`);
    parts.push(new Uint8Array(await response.arrayBuffer()));
    offset = response.headers.get("stream-next-offset") ?? offset;
    if (response.headers.get("stream-up-to-date") === "true") break;
  }
  const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
  let position = 0;
  for (const part of parts) {
    out.set(part, position);
    position += part.length;
  }
  return out;
}

export async function readBackText(serverUrl: string, path: string): Promise<string> {
  return decoder.decode(await readBack(serverUrl, path));
}

/** The messages of a JSON stream (each GET answers one JSON array). */
export async function readBackJson(serverUrl: string, path: string): Promise<unknown[]> {
  const items: unknown[] = [];
  let offset = "-1";
  for (let i = 0; i < 10_000; i++) {
    const response = await fetch(`${serverUrl}${path}?offset=${encodeURIComponent(offset)}`);
    if (!response.ok) throw new Error(`read-back failed: ${response.status}`);
    const text = await response.text();
    if (text.length > 0) items.push(...(JSON.parse(text) as unknown[]));
    offset = response.headers.get("stream-next-offset") ?? offset;
    if (response.headers.get("stream-up-to-date") === "true") break;
  }
  return items;
}

/** Polls until the condition holds (true) or `ms` passed (false). */
export async function eventually(condition: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return condition();
}

/** Resolves with "timeout" if the promise takes longer than `ms` (a generous bound for hangs). */
export function within<T>(promise: Promise<T>, ms: number): Promise<T | "timeout"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A raw producer POST, as another writer with the same producer id would send it. */
export async function rawProducerPost(
  serverUrl: string,
  path: string,
  producer: { id: string; epoch: number; seq: number },
  body: string,
  contentType = "text/plain",
): Promise<Response> {
  return fetch(`${serverUrl}${path}`, {
    method: "POST",
    headers: {
      "content-type": contentType,
      "producer-id": producer.id,
      "producer-epoch": String(producer.epoch),
      "producer-seq": String(producer.seq),
    },
    body,
  });
}
