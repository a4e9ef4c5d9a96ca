/**
 * Where a growing text may be cut into blocks, decided without the DOM: the
 * measuring is passed in as a function, so every decision is a pure function
 * of the text, the rules and the line geometry.
 */

/** The end of one complete block, as an index into the uncut rest of the text. */
export interface TextCut {
  /** The block is `rest.slice(previous cut, at)`. */
  at: number;
  /**
   * The cut sits where the text wraps at the element's present width; at
   * another width it would end a line early, so it is undone on resize. A
   * cut after a line break the CSS keeps (`pre-wrap` and kin) holds at any width.
   */
  soft: boolean;
}

/** What the element's CSS allows. */
export interface CutRules {
  /** Characters a block gathers before it may end. */
  targetLength: number;
  /** Line breaks in the text show as breaks (`white-space: pre`, `pre-wrap`, `pre-line`, `break-spaces`). */
  keepsLineBreaks: boolean;
  /**
   * A block may end where a line wraps. False where ending a block there
   * would change the look: justified text (a block's last line is not
   * stretched), `text-wrap: pretty` or `balance` (which look ahead), vertical writing.
   */
  wrapCuts: boolean;
}

/**
 * The line geometry: the index of the first character on the line that holds
 * the character at `index` (on screen, at the present width), or undefined
 * when it cannot be told (nothing laid out, the element hidden).
 */
export type LineStartAt = (index: number) => number | undefined;

/**
 * Cuts at wraps come only once this many target lengths are left uncut: the
 * blocks they make are larger, so fewer phrases straddle a block end (find
 * in page does not match across one), and laying out the uncut rest of a few
 * thousand characters still costs well under a millisecond.
 */
export const WRAP_CUT_AFTER = 4;

/**
 * Cuts `rest` into blocks that end where a line ends anyway, so that laying
 * the blocks out one by one looks exactly like laying out the whole text.
 * Where the CSS keeps line breaks, a block ends just after the first line
 * break at or past `targetLength` characters into it (the same blocks
 * however the text grew). Past the last such cut, once more than
 * {@link WRAP_CUT_AFTER} targets are left, one cut goes at the start of the line on screen that holds
 * the character `targetLength` before the end: the growing last line is
 * never cut into, and a long uncut rest (a catch-up, a resize) becomes one
 * block, measured once near its end rather than line by line.
 */
export function planCuts(rest: string, rules: CutRules, lineStartAt?: LineStartAt): TextCut[] {
  const cuts: TextCut[] = [];
  let from = 0;
  if (rules.keepsLineBreaks) {
    for (;;) {
      const lineBreak = rest.indexOf("\n", from + rules.targetLength);
      if (lineBreak < 0) break;
      from = lineBreak + 1;
      cuts.push({ at: from, soft: false });
    }
  }
  if (
    !rules.wrapCuts ||
    !lineStartAt ||
    rest.length - from <= WRAP_CUT_AFTER * rules.targetLength
  ) {
    return cuts;
  }
  const lineStart = lineStartAt(rest.length - rules.targetLength);
  // Unknown, or one line longer than the rest (nowrap, an endless word): no place to cut.
  if (lineStart === undefined || lineStart <= from || lineStart >= rest.length) return cuts;
  cuts.push({ at: lineStart, soft: !(rules.keepsLineBreaks && rest[lineStart - 1] === "\n") });
  return cuts;
}
