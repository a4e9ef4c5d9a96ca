/**
 * The stored form of an in-memory stream and the small pieces of protocol
 * around it (offsets, cursors, content types, error answers), shared by the
 * read and write sides of `InMemoryStreams`.
 */

import { isJsonContentType } from "../../src/client/content-type.js";

export interface ProducerState {
  epoch: number;
  lastSeq: number;
}

export interface StoredStream {
  contentType: string;
  json: boolean;
  /** Each message as stored: a serialised JSON value, or a piece of text. */
  messages: string[];
  /** `ends[i]`: the offset after message `i`. */
  ends: string[];
  bytes: number;
  closed: boolean;
  /** The producer request (`id/epoch/seq`) that closed the stream, if one did. */
  closedBy: string | undefined;
  lastStreamSeq: string | undefined;
  producers: Map<string, ProducerState>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Offsets count bytes, zero-padded so that they sort as text. */
function formatOffset(bytes: number): string {
  return String(bytes).padStart(16, "0");
}

const START_OFFSET = formatOffset(0);

export function newStoredStream(contentType: string): StoredStream {
  return {
    contentType,
    json: isJsonContentType(contentType),
    messages: [],
    ends: [],
    bytes: 0,
    closed: false,
    closedBy: undefined,
    lastStreamSeq: undefined,
    producers: new Map(),
  };
}

/** The cursor after the client's: one more, so every answer moves it on. */
export function nextCursor(clientCursor: string | null): string {
  const previous = clientCursor !== null && /^\d+$/.test(clientCursor) ? Number(clientCursor) : 0;
  return String(previous + 1);
}

export function pushMessages(stream: StoredStream, pieces: readonly string[]): void {
  for (const piece of pieces) {
    stream.messages.push(piece);
    stream.bytes += encoder.encode(piece).length;
    stream.ends.push(formatOffset(stream.bytes));
  }
}

/** The offset before message `index` (the tail for `messages.length`). */
export function offsetAt(stream: StoredStream, index: number): string {
  return index === 0 ? START_OFFSET : stream.ends[index - 1]!;
}

export function tailOffset(stream: StoredStream): string {
  return offsetAt(stream, stream.messages.length);
}

/** The index of the first message after `offset`, or undefined when it is not a boundary. */
export function indexOfOffset(stream: StoredStream, offset: string): number | undefined {
  if (offset === "-1" || offset === START_OFFSET) return 0;
  const index = stream.ends.indexOf(offset);
  return index < 0 ? undefined : index + 1;
}

/** Content type, tail offset and closed flag, as HEAD and PUT answer them. */
export function metaHeaders(stream: StoredStream): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": stream.contentType,
    "stream-next-offset": tailOffset(stream),
  };
  if (stream.closed) headers["stream-closed"] = "true";
  return headers;
}

export function bodyText(body: RequestInit["body"]): string {
  if (body === undefined || body === null) return "";
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return decoder.decode(body);
  if (body instanceof ArrayBuffer) return decoder.decode(new Uint8Array(body));
  throw new Error("in-memory streams take string or byte bodies");
}

/** A JSON body as messages: an array's elements (empty only when creating), or one value. */
export function parseJsonMessages(body: string, creating: boolean): unknown[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value)) return [value];
  if (value.length === 0 && !creating) return undefined;
  return value;
}

export function notFound(): Response {
  return new Response("Stream not found", {
    status: 404,
    headers: { "content-type": "text/plain" },
  });
}

export function badRequest(message: string): Response {
  return new Response(message, { status: 400, headers: { "content-type": "text/plain" } });
}

export function sequenceGap(expected: number, received: number): Response {
  return new Response("Sequence gap", {
    status: 409,
    headers: {
      "producer-expected-seq": String(expected),
      "producer-received-seq": String(received),
    },
  });
}

export function failureResponse(status: number): Response {
  const text = status === 404 ? "Stream not found" : `Injected failure (${status})`;
  return new Response(text, { status, headers: { "content-type": "text/plain" } });
}
