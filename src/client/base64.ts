import { ParseError } from "./errors.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DECODE_TABLE = new Int16Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE_TABLE[ALPHABET.charCodeAt(i)] = i;

/**
 * Decodes standard base64 (RFC 4648, padded) as the protocol's SSE data events
 * carry it: line breaks between `data:` lines are removed first, the rest must
 * be valid base64 whose length is a multiple of four, and "" means no bytes.
 * Written out rather than using `atob`/`Buffer` so it behaves the same, and
 * strictly, on every platform.
 */
export function decodeBase64(text: string, url?: string): Uint8Array {
  const clean = text.includes("\n") || text.includes("\r") ? text.replace(/[\r\n]/g, "") : text;
  if (clean.length % 4 !== 0) {
    throw new ParseError(
      `Invalid base64 in SSE data event: length ${clean.length} is not a multiple of 4`,
      { url },
    );
  }
  let padding = 0;
  if (clean.endsWith("==")) padding = 2;
  else if (clean.endsWith("=")) padding = 1;
  const out = new Uint8Array((clean.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const a = sextet(clean, i, url);
    const b = sextet(clean, i + 1, url);
    const last = i + 4 === clean.length;
    const c = last && padding === 2 ? 0 : sextet(clean, i + 2, url);
    const d = last && padding >= 1 ? 0 : sextet(clean, i + 3, url);
    const triple = (a << 18) | (b << 12) | (c << 6) | d;
    out[o++] = (triple >> 16) & 0xff;
    if (o < out.length) out[o++] = (triple >> 8) & 0xff;
    if (o < out.length) out[o++] = triple & 0xff;
  }
  return out;
}

function sextet(text: string, index: number, url: string | undefined): number {
  const code = text.charCodeAt(index);
  const value = code < 128 ? DECODE_TABLE[code]! : -1;
  if (value < 0) {
    throw new ParseError(
      `Invalid base64 character ${JSON.stringify(text[index])} in SSE data event`,
      { url },
    );
  }
  return value;
}
