import type { TextLog } from "../sync/text-log.js";
import { planCuts, type TextCut } from "./text-cuts.js";

/** Complete blocks, a fixed number to a group, so a view renders the groups and skips the full ones. */
export interface TextGroup {
  readonly blocks: readonly string[];
  /** Full: it never changes again (until the cuts are undone or the text starts over). */
  readonly full: boolean;
}

/** A text laid out as complete groups of blocks, then the uncut rest. */
export interface TextLayout {
  /** The same array, with the same group objects, for as long as no block is cut. */
  groups: readonly TextGroup[];
  rest: string;
}

/**
 * Splits a text into blocks at line breaks: each block ends just after the
 * first line break at or past `targetLength` characters into it; the rest
 * is the last, growing piece.
 */
export function textBlocks(text: string, targetLength: number): string[] {
  const cuts = planCuts(text, { targetLength, keepsLineBreaks: true, wrapCuts: false });
  const blocks: string[] = [];
  let from = 0;
  for (const { at } of cuts) {
    blocks.push(text.slice(from, at));
    from = at;
  }
  return [...blocks, text.slice(from)];
}

/**
 * The blocks of one growing text, as a view renders them. Each complete
 * block is a string of its own, and so is the uncut rest: a slice would not
 * do, because in V8 a slice keeps the whole string it came from alive, so a
 * block cut from each frame's text would pin that frame's entire text for as
 * long as the block is shown (memory growing with the square of the text).
 *
 * What is new since the last update comes from the session's {@link TextLog}
 * where it can: the text itself is a rope, and taking any substring of it
 * first copies the whole text, so reading it there would make every update
 * cost as much as the text is long. The whole text is read only when the log
 * cannot tell (the first render, a restored or restarted text); a text that
 * does not continue the one before (another stream, a view that started
 * over) starts afresh.
 */
export class TextBlocks {
  private blocks: string[] = [];
  /** Per block: its end holds only at the width it was measured at. */
  private softEnds: boolean[] = [];
  /** Where the complete blocks end in the text. */
  private end = 0;
  /** The text after the complete blocks, as far as it was read. */
  private rest = "";
  /** The text last laid out, and the log generation its rest was read under. */
  private lastText: string | undefined;
  private logGeneration: number | undefined;
  private groups: readonly TextGroup[] = [];
  private fullGroups: TextGroup[] = [];
  /** The length of a rest that was measured and had no place to cut. */
  private uncutLength = Number.NEGATIVE_INFINITY;

  constructor(private readonly groupSize = 32) {}

  /** The groups and the rest of `text`, after the blocks already cut. */
  layout(text: string, log?: TextLog): TextLayout {
    this.read(text, log);
    return { groups: this.groups, rest: this.rest };
  }

  /** Ends blocks at `cuts`: indexes into the rest as {@link layout} last gave it. */
  cut(cuts: readonly TextCut[]): void {
    if (cuts.length === 0) return;
    let from = 0;
    for (const { at, soft } of cuts) {
      this.blocks.push(ownCopy(this.rest.slice(from, at)));
      this.softEnds.push(soft);
      from = at;
    }
    this.end += from;
    const rest = this.rest.slice(from);
    // A short slice of a long rest (after a catch-up) would keep the long one alive.
    this.rest = rest.length < from ? ownCopy(rest) : rest;
    this.uncutLength = Number.NEGATIVE_INFINITY;
    this.regroup();
  }

  /**
   * Whether a rest of this length is worth measuring for cuts: not when a
   * rest less than `growth` characters shorter had no place to cut (one
   * endless line), so such a text is not measured on every update.
   */
  worthMeasuring(restLength: number, growth: number): boolean {
    return restLength >= this.uncutLength + growth;
  }

  /** Notes that a rest of this length was measured and had no place to cut. */
  measuredWithoutCut(restLength: number): void {
    this.uncutLength = restLength;
  }

  /**
   * Undoes the cuts that hold only at the width they were measured at: the
   * blocks between two such cuts join, and the blocks after the last cut that
   * holds at any width go back into the rest. Returns whether anything changed.
   */
  undoSoftCuts(): boolean {
    if (!this.softEnds.includes(true)) return false;
    const blocks: string[] = [];
    let pending = "";
    for (const [index, block] of this.blocks.entries()) {
      pending += block;
      if (this.softEnds[index]) continue;
      blocks.push(ownCopy(pending));
      pending = "";
    }
    this.blocks = blocks;
    this.softEnds = blocks.map(() => false);
    this.end -= pending.length;
    this.rest = pending + this.rest;
    this.uncutLength = Number.NEGATIVE_INFINITY;
    this.fullGroups = [];
    this.regroup();
    return true;
  }

  /** Brings the rest up to `text`: from the log when it holds what is new, else from the text. */
  private read(text: string, log: TextLog | undefined): void {
    if (text === this.lastText) return;
    const seen = this.end + this.rest.length;
    if (log !== undefined && log.generation === this.logGeneration && text.length >= seen) {
      const added = log.slice(seen, text.length);
      if (added !== undefined) {
        this.rest += added;
        this.lastText = text;
        return;
      }
    }
    if (!this.continues(text)) this.reset();
    this.rest = ownCopy(text.slice(this.end));
    this.lastText = text;
    this.logGeneration = log?.generation;
  }

  private reset(): void {
    this.blocks = [];
    this.softEnds = [];
    this.end = 0;
    this.rest = "";
    this.uncutLength = Number.NEGATIVE_INFINITY;
    this.fullGroups = [];
    this.groups = [];
  }

  /** Full groups keep their objects; only the last, open group is made anew. */
  private regroup(): void {
    const size = this.groupSize;
    const fullCount = Math.floor(this.blocks.length / size);
    for (let index = this.fullGroups.length; index < fullCount; index++) {
      this.fullGroups.push({
        blocks: this.blocks.slice(index * size, (index + 1) * size),
        full: true,
      });
    }
    const open = this.blocks.slice(fullCount * size);
    this.groups =
      open.length > 0 ? [...this.fullGroups, { blocks: open, full: false }] : [...this.fullGroups];
  }

  /** Whether `text` still holds the complete blocks where they were cut (checked on the last one). */
  private continues(text: string): boolean {
    const last = this.blocks.at(-1);
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
