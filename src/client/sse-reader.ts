import { decodeBase64 } from "./base64.js";
import { concatBytes, type Payload } from "./chunk.js";
import { ParseError } from "./errors.js";
import { STREAM_SSE_DATA_ENCODING } from "./headers.js";
import { readBody } from "./http.js";
import { SseParser } from "./sse-parser.js";

/** One batch of an SSE connection: the data events before a control event, and that event. */
export interface SseBatch {
  payload: Payload;
  offset: string;
  cursor: string | undefined;
  upToDate: boolean;
  closed: boolean;
}

/**
 * Turns the events of an open SSE response into batches. Data events are
 * held until the control event that follows them, so a connection that breaks
 * in between delivers nothing twice: the reconnect starts from the last
 * control event's offset. Unknown event types are ignored; a control event
 * that does not parse is a {@link ParseError}.
 */
export async function* sseBatches(
  body: ReadableStream<Uint8Array>,
  headers: Headers,
  url: string,
  json: boolean,
  signal: AbortSignal,
  received: { bytesReceived: number } = { bytesReceived: 0 },
): AsyncGenerator<SseBatch> {
  const base64 = headers.get(STREAM_SSE_DATA_ENCODING)?.trim().toLowerCase() === "base64";
  const parser = new SseParser();
  const held: string[] = [];
  const reader = body.getReader();
  try {
    for (;;) {
      // A broken connection is transient: the session reconnects from the last control event.
      const result = await readBody(reader, signal, url, `SSE connection to ${url} broke`);
      if (result.done) return;
      received.bytesReceived += result.value.length;
      for (const { event, data } of parser.push(result.value)) {
        if (event === "data") held.push(data);
        if (event !== "control") continue;
        const control = parseControl(data, url);
        const payload: Payload =
          held.length === 0
            ? undefined
            : base64
              ? concatBytes(held.map((event) => decodeBase64(event, url)))
              : json
                ? [...held]
                : held.join("");
        held.length = 0;
        yield { payload, ...control };
        if (control.closed) return;
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

function parseControl(data: string, url: string): Omit<SseBatch, "payload"> {
  const fail = (problem: string, cause?: unknown) =>
    new ParseError(`SSE control event from ${url} ${problem}: ${data}`, { url, cause });
  let control: Record<string, unknown> | null;
  try {
    control = JSON.parse(data) as Record<string, unknown> | null;
  } catch (error) {
    throw fail("is malformed JSON", error);
  }
  if (typeof control !== "object" || control === null) throw fail("is not an object");
  const { streamNextOffset: offset, streamCursor: cursor } = control;
  if (typeof offset !== "string" || offset === "") throw fail("lacks streamNextOffset");
  if (cursor !== undefined && typeof cursor !== "string") {
    throw fail("has a non-string streamCursor");
  }
  const closed = control.streamClosed === true;
  return { offset, cursor, upToDate: closed || control.upToDate === true, closed };
}
