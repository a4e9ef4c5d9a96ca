/**
 * The recent pieces of a text view's state, so that a view can take what
 * was appended since it last rendered without touching the whole text: the
 * state is a concatenation (a rope in V8), and any substring of it first
 * copies the whole text into one flat string, which at megabytes costs
 * milliseconds per update and pins a copy for each slice kept.
 */
export class TextLog {
  private pieces: string[] = [];
  /** The text's length after each piece. */
  private ends: number[] = [];
  /** The text's length before the first piece held. */
  private start = 0;
  /** Changes whenever the text did not simply grow by a piece (restored, rolled back, started over). */
  generation = 0;

  /** Characters of the most recent pieces kept; older pieces are dropped. */
  constructor(private readonly keepChars = 256 * 1024) {}

  /** The text's length after the last piece (or since the last reset). */
  get end(): number {
    return this.ends.at(-1) ?? this.start;
  }

  /** Records that the text grew by `piece` to `lengthAfter`; anything else starts the log over. */
  append(piece: string, lengthAfter: number): void {
    if (piece === "") return;
    if (lengthAfter - piece.length !== this.end) this.reset(lengthAfter - piece.length);
    this.pieces.push(piece);
    this.ends.push(lengthAfter);
    this.prune();
  }

  /** The text was replaced: it is now `length` characters the log does not hold. */
  reset(length: number): void {
    this.pieces = [];
    this.ends = [];
    this.start = length;
    this.generation++;
  }

  /** The text from `from` to `to`, or undefined when the log does not hold all of it. */
  slice(from: number, to: number): string | undefined {
    if (from < this.start || to > this.end || from > to) return undefined;
    if (from === to) return "";
    let index = this.firstPieceEndingAfter(from);
    let text = "";
    let pieceStart = index === 0 ? this.start : this.ends[index - 1]!;
    for (; index < this.pieces.length && pieceStart < to; index++) {
      const piece = this.pieces[index]!;
      const pieceEnd = this.ends[index]!;
      text +=
        from <= pieceStart && pieceEnd <= to
          ? piece
          : piece.slice(
              Math.max(from, pieceStart) - pieceStart,
              Math.min(to, pieceEnd) - pieceStart,
            );
      pieceStart = pieceEnd;
    }
    return text;
  }

  private firstPieceEndingAfter(position: number): number {
    let low = 0;
    let high = this.ends.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.ends[middle]! > position) high = middle;
      else low = middle + 1;
    }
    return low;
  }

  /** Drops the oldest pieces while the newer ones alone hold `keepChars`; the last always stays. */
  private prune(): void {
    let drop = 0;
    while (drop < this.pieces.length - 1 && this.end - this.ends[drop]! >= this.keepChars) drop++;
    if (drop === 0) return;
    this.start = this.ends[drop - 1]!;
    this.pieces.splice(0, drop);
    this.ends.splice(0, drop);
  }
}
