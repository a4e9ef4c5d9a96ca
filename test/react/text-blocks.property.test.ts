// @vitest-environment node
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TextBlocks, textBlocks } from "../../src/react/text-blocks.js";
import { TextLog } from "../../src/sync/text-log.js";
import { planCuts, type CutRules, type LineStartAt } from "../../src/react/text-cuts.js";

const lineBreakRules = (targetLength: number): CutRules => ({
  targetLength,
  keepsLineBreaks: true,
  wrapCuts: false,
});

/**
 * Line starts of `text` wrapped greedily at `width` characters, breaking
 * after spaces (and after line breaks when `keepsLineBreaks`): the geometry
 * a browser would report for a monospace font.
 */
function wrappedLines(text: string, width: number, keepsLineBreaks: boolean): number[] {
  const starts = [0];
  let lineStart = 0;
  let lastSpace = -1;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (keepsLineBreaks && char === "\n") {
      lineStart = index + 1;
      starts.push(lineStart);
      lastSpace = -1;
      continue;
    }
    if (char === " " || char === "\n") lastSpace = index;
    if (index - lineStart >= width && lastSpace > lineStart) {
      lineStart = lastSpace + 1;
      starts.push(lineStart);
      lastSpace = -1;
    }
  }
  return starts;
}

function lineStartsOf(starts: readonly number[]): LineStartAt {
  return (index) => starts.filter((start) => start <= index).at(-1);
}

describe("textBlocks", () => {
  it("keeps the text, ends every block but the last after a line break, and never moves a boundary as the text grows", () => {
    const piece = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("\n", "\n\n", "😀", " "));
    fc.assert(
      fc.property(
        fc.array(piece, { maxLength: 80 }),
        fc.integer({ min: 1, max: 40 }),
        (pieces, target) => {
          let text = "";
          let previous: string[] = [""];
          for (const next of pieces) {
            text += next;
            const blocks = textBlocks(text, target);
            expect(blocks.join("")).toBe(text);
            for (const block of blocks.slice(0, -1)) {
              expect(block.endsWith("\n")).toBe(true);
              expect(block.length).toBeGreaterThan(target);
            }
            // Every block that was complete before is unchanged now.
            expect(blocks.slice(0, previous.length - 1)).toEqual(previous.slice(0, -1));
            previous = blocks;
          }
        },
      ),
    );
  });

  it("leaves text without a line break past the target in one block", () => {
    expect(textBlocks("a\nb", 5)).toEqual(["a\nb"]);
    expect(textBlocks("abcdef\nxyz\n", 3)).toEqual(["abcdef\n", "xyz\n", ""]);
  });
});

describe("planCuts", () => {
  const wrapping: CutRules = { targetLength: 10, keepsLineBreaks: false, wrapCuts: true };
  // Lines of 8 characters: starts at 0, 8, 16, ... up to 40.
  const everyEight = lineStartsOf([0, 8, 16, 24, 32, 40]);

  it.each([
    {
      case: "short rest: no cut",
      rest: "x".repeat(20),
      rules: wrapping,
      expected: [],
    },
    {
      case: "wrap cut at the start of the line holding the character a target before the end",
      rest: "x".repeat(45),
      rules: wrapping,
      expected: [{ at: 32, soft: true }],
    },
    {
      case: "line breaks kept: cut after the first break past the target",
      rest: `${"a".repeat(12)}\n${"b".repeat(3)}`,
      rules: { ...wrapping, keepsLineBreaks: true, wrapCuts: false },
      expected: [{ at: 13, soft: false }],
    },
    {
      case: "line breaks kept, long tail after the last break: then one wrap cut",
      // 45 characters after the break: more than WRAP_CUT_AFTER targets.
      rest: `${"a".repeat(12)}\n${"b".repeat(45)}`,
      rules: { ...wrapping, keepsLineBreaks: true },
      lines: lineStartsOf([0, 13, 21, 29, 37, 45, 53]),
      expected: [
        { at: 13, soft: false },
        { at: 45, soft: true },
      ],
    },
    {
      case: "a wrap cut just after a kept line break holds at any width",
      rest: `${"a".repeat(7)}\n${"b".repeat(37)}`,
      rules: { ...wrapping, keepsLineBreaks: true },
      lines: lineStartsOf([0, 8]),
      expected: [{ at: 8, soft: false }],
    },
    {
      case: "wrap cuts not allowed (justified text): none",
      rest: "x".repeat(45),
      rules: { ...wrapping, wrapCuts: false },
      expected: [],
    },
    {
      case: "geometry unknown (hidden element): none",
      rest: "x".repeat(45),
      rules: wrapping,
      lines: () => undefined,
      expected: [],
    },
    {
      case: "one line longer than the rest (nowrap): none",
      rest: "x".repeat(45),
      rules: wrapping,
      lines: lineStartsOf([0]),
      expected: [],
    },
  ])("$case", ({ rest, rules, lines, expected }) => {
    expect(planCuts(rest, rules, lines ?? everyEight)).toEqual(expected);
  });

  it("cuts only at line starts, never into the last line, and keeps the text whole", () => {
    const words = fc.array(fc.stringMatching(/^[a-z]{1,9}[ \n]$/), { maxLength: 120 });
    fc.assert(
      fc.property(words, fc.integer({ min: 8, max: 30 }), fc.boolean(), (parts, width, keeps) => {
        const rest = parts.join("");
        const starts = wrappedLines(rest, width, keeps);
        const rules: CutRules = { targetLength: 25, keepsLineBreaks: keeps, wrapCuts: true };
        const cuts = planCuts(rest, rules, lineStartsOf(starts));
        let previous = 0;
        for (const cut of cuts) {
          expect(cut.at).toBeGreaterThan(previous);
          expect(cut.at).toBeLessThanOrEqual(starts.at(-1) ?? 0);
          // A cut after a kept line break is one too: also where a line starts.
          expect(starts).toContain(cut.at);
          expect(cut.soft).toBe(!(keeps && rest[cut.at - 1] === "\n"));
          previous = cut.at;
        }
      }),
    );
  });
});

describe("TextBlocks", () => {
  /** What a view shows: every block, then the rest. */
  const shown = (blocks: TextBlocks, text: string) => {
    const { groups, rest } = blocks.layout(text);
    return [...groups.flatMap((group) => group.blocks), rest];
  };
  const cutLines = (blocks: TextBlocks, text: string, target: number) =>
    blocks.cut(planCuts(blocks.layout(text).rest, lineBreakRules(target)));

  it("cut as the text grows, gives the blocks textBlocks gives for the whole text", () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z \n]{0,40}$/), { maxLength: 40 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 4 }),
        (parts, target, groupSize) => {
          const blocks = new TextBlocks(groupSize);
          let text = "";
          for (const part of parts) {
            text += part;
            cutLines(blocks, text, target);
            expect(shown(blocks, text)).toEqual(textBlocks(text, target));
          }
        },
      ),
    );
  });

  it("fed from the session's text log, gives the same blocks as from the text, also across rollbacks and restarts", () => {
    const step = fc.oneof(
      { weight: 6, arbitrary: fc.record({ grow: fc.stringMatching(/^[a-z \n]{0,40}$/) }) },
      { weight: 1, arbitrary: fc.record({ rollBackTo: fc.nat() }) },
      { weight: 1, arbitrary: fc.record({ restart: fc.constant(true) }) },
    );
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 40 }),
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 64 }),
        (steps, target, keepChars) => {
          const log = new TextLog(keepChars);
          const withLog = new TextBlocks(2);
          const withoutLog = new TextBlocks(2);
          let text = "";
          for (const change of steps) {
            if ("grow" in change) {
              text += change.grow;
              log.append(change.grow, text.length);
            } else if ("rollBackTo" in change) {
              // The session went back to a consistent state: a prefix of the text.
              text = text.slice(0, change.rollBackTo % (text.length + 1));
            } else {
              text = "";
            }
            withLog.cut(planCuts(withLog.layout(text, log).rest, lineBreakRules(target)));
            cutLines(withoutLog, text, target);
            const fromLog = withLog.layout(text, log);
            expect([...fromLog.groups.flatMap((group) => group.blocks), fromLog.rest]).toEqual(
              textBlocks(text, target),
            );
            expect(shown(withoutLog, text)).toEqual(textBlocks(text, target));
          }
        },
      ),
    );
  });

  it("starts afresh when the text does not continue the one before", () => {
    const blocks = new TextBlocks();
    cutLines(blocks, "abcd\nefgh\nij", 3);
    expect(shown(blocks, "abcd\nefgh\nij")).toEqual(["abcd\n", "efgh\n", "ij"]);
    // Another stream, or a view that started over: shorter, or different where blocks were cut.
    expect(shown(blocks, "xy")).toEqual(["xy"]);
    cutLines(blocks, "abcd\nefgh\nij", 3);
    expect(shown(blocks, "abcd\nefgX\nij")).toEqual(["abcd\nefgX\nij"]);
  });

  it("keeps the groups array and every full group while no block is cut, so views skip them", () => {
    const blocks = new TextBlocks(2);
    const text = "ab\ncd\nef\ngh";
    cutLines(blocks, text, 1);
    const first = blocks.layout(text).groups;
    expect(first.map((group) => [group.blocks, group.full])).toEqual([
      [["ab\n", "cd\n"], true],
      [["ef\n"], false],
    ]);
    expect(blocks.layout(`${text}i`).groups).toBe(first);
    cutLines(blocks, `${text}\nxy`, 1);
    const next = blocks.layout(`${text}\nxy`).groups;
    expect(next[0]).toBe(first[0]);
    expect(next[1]?.blocks).toEqual(["ef\n", "gh\n"]);
  });

  it("undoes the cuts made at wraps: joins blocks up to a cut that holds, the rest goes back", () => {
    const blocks = new TextBlocks(2);
    const text = "aaaa bbbb\ncccc dddd eeee";
    blocks.layout(text);
    blocks.cut([
      { at: 5, soft: true },
      { at: 10, soft: false },
      { at: 15, soft: true },
      { at: 20, soft: true },
    ]);
    expect(shown(blocks, text)).toEqual(["aaaa ", "bbbb\n", "cccc ", "dddd ", "eeee"]);
    expect(blocks.undoSoftCuts()).toBe(true);
    expect(shown(blocks, text)).toEqual(["aaaa bbbb\n", "cccc dddd eeee"]);
    expect(blocks.undoSoftCuts()).toBe(false);
  });

  it("is not measured again for a rest that had no place to cut until it grew by the given length", () => {
    const blocks = new TextBlocks();
    expect(blocks.worthMeasuring(3000, 1000)).toBe(true);
    blocks.measuredWithoutCut(3000);
    expect(blocks.worthMeasuring(3999, 1000)).toBe(false);
    expect(blocks.worthMeasuring(4000, 1000)).toBe(true);
  });
});
