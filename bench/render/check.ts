import { expectedText } from "./protocol.js";

/** How the text on screen compares with what the producer wrote. */
export interface TokenCheck {
  /** Written tokens that never appeared. */
  missing: number;
  /** Extra appearances of a written token. */
  duplicated: number;
  /** Pieces of text that are no written token at all (a torn or garbled token). */
  foreign: number;
  /** The text equals the written text exactly (so also in order). */
  exact: boolean;
}

/**
 * Splits the text into tokens (` t<n>`) and counts each written token's
 * appearances: every miss and every extra copy is a token lost to the reader.
 */
export function checkTokens(text: string, written: number): TokenCheck {
  const seen = new Uint32Array(written);
  let foreign = 0;
  const pieces = text.split(" t");
  // The text starts with a token, so everything before the first " t" must be empty.
  if (pieces[0] !== "") foreign++;
  for (const piece of pieces.slice(1)) {
    // A line's last token carries its line break; where the breaks are is checked by `exact`.
    const digits = piece.endsWith("\n") ? piece.slice(0, -1) : piece;
    const index = /^\d+$/.test(digits) ? Number(digits) : -1;
    if (index >= 0 && index < written && String(index) === digits)
      seen[index] = (seen[index] ?? 0) + 1;
    else foreign++;
  }
  let missing = 0;
  let duplicated = 0;
  for (const count of seen) {
    if (count === 0) missing++;
    else duplicated += count - 1;
  }
  return { missing, duplicated, foreign, exact: text === expectedText(written) };
}
