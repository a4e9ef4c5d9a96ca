import { decodeUtf8, encodeUtf8, isBytes, type Payload } from "./chunk.js";
import { ParseError } from "./errors.js";
import type { JsonCodec } from "./options.js";

/**
 * The JSON messages of a payload. A JSON body is one array; SSE delivers a
 * batch as several data events, each an array, which are merged in order.
 * Anything that is not an array of JSON values is a {@link ParseError}.
 */
export function payloadItems(payload: Payload, codec: JsonCodec, url: string): unknown[] {
  if (Array.isArray(payload)) {
    return payload.flatMap((event) => parseArray(event, codec, url, true));
  }
  const text = isBytes(payload) ? decodeUtf8(payload) : (payload ?? "");
  return parseArray(text, codec, url, false);
}

function parseArray(text: string, codec: JsonCodec, url: string, fromSse: boolean): unknown[] {
  // An empty body means no messages (a 204, or a server that omits `[]`); an empty SSE data event does not.
  if (!fromSse && text.trim() === "") return [];
  const preview = () => JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
  let value: unknown;
  try {
    value = codec.parse(text);
  } catch (error) {
    throw new ParseError(`Invalid JSON from ${url}: ${preview()}`, { url, cause: error });
  }
  if (!Array.isArray(value)) {
    throw new ParseError(`Expected a JSON array of messages from ${url}, got ${preview()}`, {
      url,
    });
  }
  return value;
}

/** The text of a payload that is not bytes (a JSON batch from SSE is re-serialised as one array). */
function payloadString(payload: Exclude<Payload, Uint8Array>, codec: JsonCodec, url: string) {
  return Array.isArray(payload)
    ? codec.stringify(payloadItems(payload, codec, url))
    : (payload ?? "");
}

/** The payload as bytes. */
export function payloadBytes(payload: Payload, codec: JsonCodec, url: string): Uint8Array {
  return isBytes(payload) ? payload : encodeUtf8(payloadString(payload, codec, url));
}

/**
 * A payload-to-text decoder that keeps a UTF-8 character straddling two
 * chunks whole. The pending bytes are flushed when the reader is up to date.
 */
export function textDecoder(
  codec: JsonCodec,
  url: string,
): (payload: Payload, flush: boolean) => string {
  const decoder = new TextDecoder();
  return (payload, flush) => {
    if (isBytes(payload)) return decoder.decode(payload, { stream: !flush });
    if (payload === undefined && !flush) return "";
    return decoder.decode() + payloadString(payload, codec, url);
  };
}
