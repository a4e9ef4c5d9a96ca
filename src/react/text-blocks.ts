/**
 * Splits a growing text into pieces whose boundaries never move as the text
 * grows: each piece ends just after the first line break at or past
 * `targetLength` characters into it; the rest is the last, growing piece.
 */
export function textBlocks(text: string, targetLength: number): string[] {
  const blocks: string[] = [];
  let start = 0;
  for (;;) {
    const lineBreak = text.indexOf("\n", start + targetLength);
    if (lineBreak < 0) break;
    blocks.push(text.slice(start, lineBreak + 1));
    start = lineBreak + 1;
  }
  blocks.push(text.slice(start));
  return blocks;
}
