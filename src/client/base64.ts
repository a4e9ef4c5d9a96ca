import { ParseError } from "./errors.js";

/**
 * Decodes standard base64 (RFC 4648, padded) as the protocol's SSE data events
 * carry it: line breaks between `data:` lines are removed first, the rest must
 * be valid base64 whose length is a multiple of four, and "" means no bytes.
 * Validated here, before `atob`, because `atob` is lenient (it accepts spaces
 * and missing padding); what passes is decoded the same on every platform.
 */
export function decodeBase64(text: string, url?: string): Uint8Array {
  const clean = text.replace(/[\r\n]/g, "");
  const fail = (problem: string) => new ParseError(`Invalid base64 ${problem}`, { url });
  if (clean.length % 4) {
    throw fail(`in SSE data event: length ${clean.length} is not a multiple of 4`);
  }
  // A character outside the alphabet, or a "=" that is not one of the last two.
  const bad = /[^A-Za-z\d+/=]|=(?!=?$)/.exec(clean);
  if (bad) throw fail(`character ${JSON.stringify(bad[0])} in SSE data event`);
  const binary = atob(clean);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
