/**
 * Splits a growing text into pieces whose boundaries never move as the text
 * grows: each piece ends just after the first line break at or past
 * `targetLength` characters into it; the rest is the last, growing piece.
 */
export function textBlocks(text: string, targetLength: number): string[] {
  const { complete, rest } = new TextBlockSplitter(targetLength).split(text);
  return [...complete, rest];
}

/**
 * {@link textBlocks} for a text that grows: remembers the blocks it already
 * cut, so each update scans only what is new, and gives every complete block
 * a string of its own. A slice would not do: in V8 a slice of a long string
 * keeps the whole string alive, so a block cut from each frame's text would
 * pin that entire frame's text for as long as the block is shown (memory
 * growing with the square of the text). A text that does not continue the
 * one before (another stream, a view that started over) starts afresh.
 */
export class TextBlockSplitter {
  private complete: string[] = [];
  /** Where the complete blocks end in the text. */
  private end = 0;

  constructor(private readonly targetLength: number) {}

  split(text: string): { complete: readonly string[]; rest: string } {
    if (!this.continues(text)) {
      this.complete = [];
      this.end = 0;
    }
    for (;;) {
      const lineBreak = text.indexOf("\n", this.end + this.targetLength);
      if (lineBreak < 0) break;
      this.complete = [...this.complete, ownCopy(text.slice(this.end, lineBreak + 1))];
      this.end = lineBreak + 1;
    }
    return { complete: this.complete, rest: text.slice(this.end) };
  }

  /** Whether `text` still holds the complete blocks where they were cut (checked on the last one). */
  private continues(text: string): boolean {
    const last = this.complete.at(-1);
    return (
      last === undefined ||
      (text.length >= this.end && text.startsWith(last, this.end - last.length))
    );
  }
}

/** A copy of `text` that shares no memory with the string it came from. */
function ownCopy(text: string): string {
  return JSON.parse(JSON.stringify(text)) as string;
}
