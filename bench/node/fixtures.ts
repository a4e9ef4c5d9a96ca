/**
 * Payloads, stream names, seeding and read-back checks. Everything here uses
 * plain `fetch` and runs outside the timed parts, the same for every contender.
 */
import { MESSAGE_BYTES, MIB } from "./config.js";

export const JSON_TYPE = "application/json";
export const BYTES_TYPE = "application/octet-stream";

/** One JSON message as the benchmark sends it: about {@link MESSAGE_BYTES} bytes serialised. */
export interface BenchMessage {
  id: number;
  text: string;
}

const PAD = "x".repeat(MESSAGE_BYTES);

/** Message `id`, padded so that its JSON is {@link MESSAGE_BYTES} bytes (for ids below 10^12). */
export function benchMessage(id: number): BenchMessage {
  const overhead = `{"id":${id},"text":""}`.length;
  return { id, text: PAD.slice(0, Math.max(0, MESSAGE_BYTES - overhead)) };
}

/** The id of a message read back, or a loud failure for anything else. */
export function messageId(item: unknown): number {
  const id = (item as { id?: unknown } | null)?.id;
  if (typeof id !== "number") throw new Error(`unexpected message: ${JSON.stringify(item)}`);
  return id;
}

/** Deterministic bytes, so that a reader that returns zeros or garbage cannot pass by length alone. */
export function patternBytes(length: number, seed = 0): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i + seed) % 251;
  return bytes;
}

let counter = 0;

/** A fresh stream URL under the server. */
export function uniqueUrl(base: string, label: string): string {
  counter++;
  return `${base}/bench/${label}-${process.pid}-${counter}-${Date.now().toString(36)}`;
}

/** Drops the body of an expected answer; anything else fails with the server's message. */
async function expectStatus(
  response: Response,
  ok: readonly number[],
  what: string,
): Promise<void> {
  if (ok.includes(response.status)) {
    await response.body?.cancel();
    return;
  }
  const body = await response.text().catch(() => "");
  throw new Error(`${what}: HTTP ${response.status} ${body.slice(0, 200)}`);
}

export async function createStream(url: string, contentType: string): Promise<void> {
  const response = await fetch(url, { method: "PUT", headers: { "content-type": contentType } });
  await expectStatus(response, [201], `create ${url}`);
}

export async function deleteStream(url: string): Promise<void> {
  const response = await fetch(url, { method: "DELETE" });
  await expectStatus(response, [200, 204, 404], `delete ${url}`);
}

export async function postBody(
  url: string,
  body: Uint8Array<ArrayBuffer> | string,
  contentType: string,
): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": contentType },
    body,
  });
  await expectStatus(response, [200, 204], `append to ${url}`);
}

/** Creates a JSON stream holding messages 0 .. count-1, posted in arrays of 1,000. */
export async function seedJsonStream(url: string, count: number): Promise<void> {
  await createStream(url, JSON_TYPE);
  for (let start = 0; start < count; start += 1000) {
    const batch: BenchMessage[] = [];
    for (let id = start; id < Math.min(count, start + 1000); id++) batch.push(benchMessage(id));
    await postBody(url, JSON.stringify(batch), JSON_TYPE);
  }
  const read = await readAllJson(url);
  if (read.length !== count) throw new Error(`seeded ${read.length} messages, wanted ${count}`);
}

/** Creates a binary stream of `total` bytes, posted in appends of at most 1 MiB. */
export async function seedBinaryStream(url: string, total: number): Promise<void> {
  await createStream(url, BYTES_TYPE);
  const chunk = patternBytes(MIB);
  for (let written = 0; written < total; written += MIB) {
    await postBody(url, chunk.subarray(0, Math.min(MIB, total - written)), BYTES_TYPE);
  }
  const length = await readByteLength(url);
  if (length !== total) throw new Error(`seeded ${length} bytes, wanted ${total}`);
}

/** Every catch-up response from the beginning to up to date. */
export async function* catchUpResponses(url: string): AsyncGenerator<Response> {
  let offset = "-1";
  for (;;) {
    const response = await fetch(`${url}?offset=${encodeURIComponent(offset)}`);
    if (response.status !== 200 && response.status !== 204) {
      await expectStatus(response, [], `read ${url}`);
    }
    yield response;
    const next = response.headers.get("stream-next-offset");
    if (response.headers.has("stream-up-to-date") || next === null) return;
    offset = next;
  }
}

/** The whole JSON stream, read back with plain fetch (verification only). */
export async function readAllJson(url: string): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const response of catchUpResponses(url)) {
    const text = await response.text();
    if (text.trim() === "") continue;
    for (const item of JSON.parse(text) as unknown[]) items.push(item);
  }
  return items;
}

/** The stream's length in bytes, read back with plain fetch (verification only). */
export async function readByteLength(url: string): Promise<number> {
  let length = 0;
  for await (const response of catchUpResponses(url)) {
    length += (await response.arrayBuffer()).byteLength;
  }
  return length;
}

/** Checks that a JSON stream holds exactly messages 0 .. count-1, in order. */
export async function verifyJsonSequence(url: string, count: number): Promise<void> {
  const items = await readAllJson(url);
  if (items.length !== count) {
    throw new Error(`${url} holds ${items.length} messages, expected ${count}`);
  }
  items.forEach((item, index) => {
    if (messageId(item) !== index) throw new Error(`message ${index} of ${url} is out of order`);
  });
}

export async function verifyByteLength(url: string, expected: number): Promise<void> {
  const length = await readByteLength(url);
  if (length !== expected) throw new Error(`${url} holds ${length} bytes, expected ${expected}`);
}

/** Whether the stream exists (HEAD 200). */
export async function streamExists(url: string): Promise<boolean> {
  const response = await fetch(url, { method: "HEAD" });
  return response.status === 200;
}
