import { expect } from "@playwright/test";
import type { Demo } from "./fixtures";

/**
 * Writes to the demo's streams straight from the test process (Node's
 * `fetch`, loopback), through the demo server's `/streams/` proxy: what a
 * server-side writer, or an operator resetting a stream, would do.
 */

async function call(
  demo: Demo,
  path: string,
  init: RequestInit,
  what: string,
  expected: (status: number) => boolean,
): Promise<Response> {
  const response = await fetch(demo.href(path), init);
  if (!expected(response.status)) {
    throw new Error(`${what} ${path}: ${response.status} ${await response.text()}`);
  }
  return response;
}

function tailOf(response: Response, what: string): string {
  const tail = response.headers.get("stream-next-offset");
  expect(tail, `${what}: Stream-Next-Offset`).toBeTruthy();
  return tail!;
}

/** `PUT`: creates the stream (201), with `body` as its first content; answers its tail offset. */
export async function createStream(
  demo: Demo,
  path: string,
  contentType: string,
  body = "",
): Promise<string> {
  const response = await call(
    demo,
    path,
    { method: "PUT", headers: { "content-type": contentType }, body },
    "PUT",
    (status) => status === 201,
  );
  await response.body?.cancel();
  return tailOf(response, `PUT ${path}`);
}

/** `POST`: appends `body` (text, or a JSON value or array of messages); answers the new tail. */
export async function appendToStream(
  demo: Demo,
  path: string,
  contentType: string,
  body: string,
): Promise<string> {
  const response = await call(
    demo,
    path,
    { method: "POST", headers: { "content-type": contentType }, body },
    "POST",
    (status) => status >= 200 && status < 300,
  );
  await response.body?.cancel();
  return tailOf(response, `POST ${path}`);
}

/** `POST` with `Stream-Closed: true`: closes the stream (readers see its end). */
export async function closeStream(demo: Demo, path: string): Promise<void> {
  const response = await call(
    demo,
    path,
    { method: "POST", headers: { "stream-closed": "true" } },
    "close",
    (status) => status >= 200 && status < 300,
  );
  await response.body?.cancel();
}

/** `DELETE`: removes the stream and all its data. */
export async function deleteStream(demo: Demo, path: string): Promise<void> {
  const response = await call(demo, path, { method: "DELETE" }, "DELETE", (s) => s === 204);
  await response.body?.cancel();
  const head = await fetch(demo.href(path), { method: "HEAD" });
  expect(head.status, `HEAD ${path} after DELETE`).toBe(404);
}

/**
 * `count` words `${prefix}000 `, `${prefix}001 `, ..., every twelfth ending
 * its line (as a model's answer would), starting at `from`.
 */
export function words(prefix: string, count: number, from = 0): string {
  let text = "";
  for (let i = from; i < from + count; i++) {
    text += `${prefix}${String(i).padStart(3, "0")}${i % 12 === 11 ? "\n" : " "}`;
  }
  return text;
}

/** A short random tag that keeps one test's streams and events apart from another's. */
export function runId(): string {
  return Math.random().toString(36).slice(2, 8);
}
