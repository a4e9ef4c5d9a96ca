import type { Payload } from "./chunk.js";
import { ParseError } from "./errors.js";
import type { JsonCodec } from "./options.js";

const utf8Decoder = new TextDecoder();
const utf8Encoder = new TextEncoder();

/**
 * The JSON messages of a payload. A JSON body is one array; SSE delivers a
 * batch as several data events, each an array, which are merged in order.
 * Anything that is not an array of JSON values is a {@link ParseError}.
 */
export function payloadItems(payload: Payload, codec: JsonCodec, url: string): unknown[] {
  switch (payload.kind) {
    case "none":
      return [];
    case "bytes":
      return parseArray(utf8Decoder.decode(payload.bytes), codec, url);
    case "text":
      return parseArray(payload.text, codec, url);
    case "json-events": {
      if (payload.events.length === 1) return parseArray(payload.events[0]!, codec, url, true);
      const items: unknown[] = [];
      for (const event of payload.events) {
        for (const item of parseArray(event, codec, url, true)) items.push(item);
      }
      return items;
    }
  }
}

function parseArray(text: string, codec: JsonCodec, url: string, fromSse = false): unknown[] {
  // An empty body means no messages (a 204, or a server that omits `[]`); an empty SSE data event does not.
  if (!fromSse && text.trim() === "") return [];
  let value: unknown;
  try {
    value = codec.parse(text);
  } catch (error) {
    throw new ParseError(`Invalid JSON from ${url}: ${preview(text)}`, { url, cause: error });
  }
  if (!Array.isArray(value)) {
    throw new ParseError(`Expected a JSON array of messages from ${url}, got ${preview(text)}`, {
      url,
    });
  }
  return value;
}

function preview(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}

/** The payload as bytes (a JSON batch from SSE is re-serialised as one array). */
export function payloadBytes(payload: Payload, codec: JsonCodec, url: string): Uint8Array {
  switch (payload.kind) {
    case "none":
      return new Uint8Array(0);
    case "bytes":
      return payload.bytes;
    case "text":
      return utf8Encoder.encode(payload.text);
    case "json-events":
      return utf8Encoder.encode(codec.stringify(payloadItems(payload, codec, url)));
  }
}

/**
 * Decodes payloads to text, keeping a UTF-8 character that straddles two
 * chunks whole. The pending bytes are flushed when the reader is up to date.
 */
export class TextPayloadDecoder {
  private readonly decoder = new TextDecoder();

  constructor(
    private readonly codec: JsonCodec,
    private readonly url: string,
  ) {}

  decode(payload: Payload, flush: boolean): string {
    switch (payload.kind) {
      case "none":
        return flush ? this.decoder.decode() : "";
      case "bytes":
        return this.decoder.decode(payload.bytes, { stream: !flush });
      case "text":
        return this.decoder.decode() + payload.text;
      case "json-events":
        return (
          this.decoder.decode() + this.codec.stringify(payloadItems(payload, this.codec, this.url))
        );
    }
  }
}
