import { decodeBase64 } from "./base64.js";
import { concatBytes, type Payload } from "./chunk.js";
import type { ClientContext } from "./context.js";
import { isJsonContentType, normalizeContentType } from "./content-type.js";
import { NetworkError, ParseError, type DurableStreamError } from "./errors.js";
import { STREAM_SSE_DATA_ENCODING } from "./headers.js";
import { describe, sendRequest } from "./http.js";
import type { CallOptions } from "./options.js";
import { SseParser } from "./sse-parser.js";

/** What one SSE connection yields: a batch at each control event, or "this server has no SSE". */
export type SseConnectionEvent =
  | {
      kind: "batch";
      payload: Payload;
      offset: string;
      cursor: string | undefined;
      upToDate: boolean;
      closed: boolean;
    }
  | { kind: "unsupported"; message: string };

export interface SseConnectionSpec {
  context: ClientContext;
  url: string;
  offset: string;
  cursor: string | undefined;
  contentType: string | undefined;
  call: CallOptions;
  signal: AbortSignal;
  onRetry?: (info: { attempt: number; delayMs: number; error: DurableStreamError }) => void;
}

/**
 * Opens one SSE connection and turns its events into batches. Data events are
 * held until the control event that follows them, so a connection that breaks
 * in between delivers nothing twice: the reconnect starts from the last
 * control event's offset. Unknown event types are ignored; a control event
 * that does not parse is a {@link ParseError}.
 */
export async function* readSseConnection(
  spec: SseConnectionSpec,
): AsyncGenerator<SseConnectionEvent> {
  const response = await sendRequest(
    spec.context,
    {
      method: "GET",
      url: spec.url,
      query: { offset: spec.offset, live: "sse", cursor: spec.cursor },
      call: spec.call,
      signal: spec.signal,
      retry: "all",
      error: { operation: "read", offset: spec.offset },
    },
    spec.onRetry,
  );
  const responseType = normalizeContentType(response.headers.get("content-type"));
  if (responseType !== "text/event-stream" || response.body === null) {
    await response.body?.cancel();
    yield {
      kind: "unsupported",
      message: `Expected text/event-stream from ${spec.url} for live=sse, got ${responseType ?? "no content type"}`,
    };
    return;
  }
  const base64 = response.headers.get(STREAM_SSE_DATA_ENCODING)?.trim().toLowerCase() === "base64";
  const json = isJsonContentType(spec.contentType);
  const parser = new SseParser();
  const held: string[] = [];
  const reader = response.body.getReader();
  try {
    for (;;) {
      let result: ReadableStreamReadResult<Uint8Array>;
      try {
        result = await reader.read();
      } catch (error) {
        // A connection that breaks mid-stream is transient: the session reconnects from
        // the last control event. An abort is passed on as its reason.
        if (spec.signal.aborted) throw spec.signal.reason;
        throw new NetworkError(`SSE connection to ${spec.url} broke: ${describe(error)}`, {
          url: spec.url,
          cause: error,
        });
      }
      const { done, value } = result;
      if (done) return;
      for (const event of parser.push(value)) {
        if (event.event === "data") {
          held.push(event.data);
        } else if (event.event === "control") {
          const control = parseControl(event.data, spec.url);
          const payload = buildPayload(held, base64, json, spec.url);
          held.length = 0;
          yield { kind: "batch", payload, ...control };
          if (control.closed) return;
        }
      }
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
}

function parseControl(
  data: string,
  url: string,
): { offset: string; cursor: string | undefined; upToDate: boolean; closed: boolean } {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (error) {
    throw new ParseError(`Malformed SSE control event from ${url}: ${JSON.stringify(data)}`, {
      url,
      cause: error,
    });
  }
  if (typeof value !== "object" || value === null) {
    throw new ParseError(`SSE control event from ${url} is not an object: ${data}`, { url });
  }
  const control = value as Record<string, unknown>;
  const offset = control.streamNextOffset;
  const cursor = control.streamCursor;
  if (typeof offset !== "string" || offset === "") {
    throw new ParseError(`SSE control event from ${url} lacks streamNextOffset: ${data}`, { url });
  }
  if (cursor !== undefined && typeof cursor !== "string") {
    throw new ParseError(`SSE control event from ${url} has a non-string streamCursor: ${data}`, {
      url,
    });
  }
  const closed = control.streamClosed === true;
  return { offset, cursor, upToDate: closed || control.upToDate === true, closed };
}

function buildPayload(
  events: readonly string[],
  base64: boolean,
  json: boolean,
  url: string,
): Payload {
  if (events.length === 0) return { kind: "none" };
  if (base64) return { kind: "bytes", bytes: concatBytes(events.map((e) => decodeBase64(e, url))) };
  if (json) return { kind: "json-events", events: [...events] };
  return { kind: "text", text: events.join("") };
}
