/**
 * Plain `fetch` on the same URLs: the protocol with nothing around it (no
 * retries, no checks beyond what the measurement needs). The floor no client
 * can beat by much.
 */
import { MIB } from "../config.js";
import {
  BYTES_TYPE,
  JSON_TYPE,
  benchMessage,
  catchUpResponses,
  createStream,
  postBody,
} from "../fixtures.js";
import type { Contender, LiveReader, PreparedProduce, ProducerWorkload } from "./types.js";

export function fetchContender(): Contender {
  return {
    name: "fetch",
    describe: {
      readJson: "GET loop until Stream-Up-To-Date, response.text() + JSON.parse",
      readBytes: "GET loop until Stream-Up-To-Date, body.getReader()",
      follow:
        "GET live=long-poll loop / one GET live=sse split on blank lines (data events handed " +
        "over at once, not held until their control event)",
      produce: "the same bytes as sequential ~1 MiB POSTs, batches built before the clock starts",
    },

    async readJson(url) {
      let count = 0;
      await catchUp(url, async (response) => {
        const text = await response.text();
        if (text === "") return;
        for (const item of JSON.parse(text) as unknown[]) if (item !== undefined) count++;
      });
      return count;
    },

    async readBytes(url, onChunk) {
      let total = 0;
      await catchUp(url, async (response) => {
        if (response.body === null) return;
        const reader = response.body.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return;
          total += value.length;
          onChunk?.(value.length);
        }
      });
      return total;
    },

    follow(url, mode, onMessage) {
      return mode === "sse" ? followSse(url, onMessage) : followLongPoll(url, onMessage);
    },

    async appendJson(url, message) {
      await postBody(url, JSON.stringify([message]), JSON_TYPE);
    },

    async appendBytes(url, bytes) {
      await postBody(url, bytes, BYTES_TYPE);
    },

    async create(url, contentType) {
      await createStream(url, contentType);
    },

    async prepareProduce(url, workload): Promise<PreparedProduce> {
      const contentType = workload.kind === "json" ? JSON_TYPE : BYTES_TYPE;
      const bodies = buildBatches(workload);
      return {
        async run() {
          for (const body of bodies) await postBody(url, body, contentType);
        },
        dispose: async () => undefined,
      };
    },
  };
}

function readUrl(url: string, offset: string, live?: string, cursor?: string): string {
  let target = `${url}?offset=${encodeURIComponent(offset)}`;
  if (live !== undefined) target += `&live=${live}`;
  if (cursor !== undefined) target += `&cursor=${encodeURIComponent(cursor)}`;
  return target;
}

function checkOk(response: Response, url: string): void {
  if (response.status !== 200 && response.status !== 204) {
    throw new Error(`GET ${url}: HTTP ${response.status}`);
  }
}

/** Catch-up GETs from the beginning until the server says up to date. */
async function catchUp(url: string, consume: (response: Response) => Promise<void>): Promise<void> {
  for await (const response of catchUpResponses(url)) await consume(response);
}

/** A catch-up GET, then long-polls, until stopped. */
async function followLongPoll(
  url: string,
  onMessage: (item: unknown) => void,
): Promise<LiveReader> {
  const controller = new AbortController();
  let offset = "-1";
  let cursor: string | undefined;
  let upToDate = false;
  const get = () =>
    fetch(readUrl(url, offset, upToDate ? "long-poll" : undefined, upToDate ? cursor : undefined), {
      signal: controller.signal,
    });
  const consume = async (response: Response) => {
    checkOk(response, url);
    const text = response.status === 204 ? "" : await response.text();
    if (text !== "") for (const item of JSON.parse(text) as unknown[]) onMessage(item);
    offset = response.headers.get("stream-next-offset") ?? offset;
    cursor = response.headers.get("stream-cursor") ?? cursor;
    upToDate = response.headers.has("stream-up-to-date");
  };
  await consume(await get());
  return untilStopped(controller, async () => {
    for (;;) await consume(await get());
  });
}

/** One SSE GET; `event: data` payloads are JSON arrays of messages. */
async function followSse(url: string, onMessage: (item: unknown) => void): Promise<LiveReader> {
  const controller = new AbortController();
  const response = await fetch(readUrl(url, "-1", "sse"), { signal: controller.signal });
  checkOk(response, url);
  if (response.body === null) throw new Error("SSE response without a body");
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  return untilStopped(controller, async () => {
    let buffered = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) throw new Error("SSE connection ended");
      buffered += value;
      let end = buffered.indexOf("\n\n");
      while (end !== -1) {
        dispatch(buffered.slice(0, end), onMessage);
        buffered = buffered.slice(end + 2);
        end = buffered.indexOf("\n\n");
      }
    }
  });
}

/**
 * Runs a reader loop in the background until it fails or `controller`
 * aborts; `stop()` aborts and waits for it (an abort is not a failure).
 */
function untilStopped(controller: AbortController, loop: () => Promise<void>): LiveReader {
  const running = loop().catch((error: unknown) => {
    if (!controller.signal.aborted) throw error;
  });
  running.catch(() => undefined);
  return {
    async stop() {
      controller.abort();
      await running;
    },
  };
}

/** The reference server writes `event:` and `data:` lines without CRs. */
function dispatch(block: string, onMessage: (item: unknown) => void): void {
  let event = "message";
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("event:")) event = line.slice(6).trim();
    else if (line.startsWith("data:")) data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
  }
  if (event !== "data") return;
  for (const item of JSON.parse(data.join("\n")) as unknown[]) onMessage(item);
}

/** The workload as ~1 MiB request bodies (JSON: arrays of messages). */
function buildBatches(workload: ProducerWorkload): Array<Uint8Array<ArrayBuffer> | string> {
  const bodies: Array<Uint8Array<ArrayBuffer> | string> = [];
  if (workload.kind === "bytes") {
    const perBatch = Math.max(1, Math.floor(MIB / workload.payload.length));
    for (let start = 0; start < workload.count; start += perBatch) {
      const count = Math.min(perBatch, workload.count - start);
      const body = new Uint8Array(count * workload.payload.length);
      for (let i = 0; i < count; i++) body.set(workload.payload, i * workload.payload.length);
      bodies.push(body);
    }
    return bodies;
  }
  let parts: string[] = [];
  let size = 2;
  for (let i = 0; i < workload.count; i++) {
    const text = JSON.stringify(benchMessage(i));
    if (parts.length > 0 && size + text.length + 1 > MIB) {
      bodies.push(`[${parts.join(",")}]`);
      parts = [];
      size = 2;
    }
    parts.push(text);
    size += text.length + 1;
  }
  if (parts.length > 0) bodies.push(`[${parts.join(",")}]`);
  return bodies;
}
