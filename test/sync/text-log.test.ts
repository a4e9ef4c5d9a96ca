import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TextLog } from "../../src/sync/text-log.js";

/** A log fed the pieces of `parts`, as the session feeds it. */
function logOf(parts: readonly string[], keepChars?: number): { log: TextLog; text: string } {
  const log = new TextLog(keepChars);
  let text = "";
  for (const part of parts) {
    text += part;
    log.append(part, text.length);
  }
  return { log, text };
}

describe("TextLog", () => {
  it.each([
    { case: "within one piece", from: 1, to: 3, expected: "bc" },
    { case: "across pieces", from: 2, to: 7, expected: "cdefg" },
    { case: "from the start to the end", from: 0, to: 9, expected: "abcdefghi" },
    { case: "empty range", from: 4, to: 4, expected: "" },
    { case: "past the end", from: 5, to: 10, expected: undefined },
    { case: "backwards", from: 5, to: 4, expected: undefined },
  ])("slice: $case", ({ from, to, expected }) => {
    const { log } = logOf(["abc", "de", "fghi"]);
    expect(log.slice(from, to)).toBe(expected);
  });

  it("gives any range of what it holds, exactly as the text has it", () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ maxLength: 20 }), { maxLength: 30 }),
        fc.nat(),
        fc.nat(),
        (parts, a, b) => {
          const { log, text } = logOf(parts);
          const from = text.length === 0 ? 0 : a % (text.length + 1);
          const to = from + (text.length === 0 ? 0 : b % (text.length - from + 1));
          expect(log.slice(from, to)).toBe(text.slice(from, to));
        },
      ),
    );
  });

  it("keeps only the most recent pieces: older ranges are not held, newer ones are", () => {
    const { log, text } = logOf(["aaaa", "bbbb", "cccc", "dddd"], 6);
    expect(log.end).toBe(16);
    expect(log.slice(0, 4)).toBeUndefined();
    // The newest pieces holding at least 6 characters: "cccc" and "dddd".
    expect(log.slice(8, 16)).toBe(text.slice(8, 16));
    expect(log.slice(7, 16)).toBeUndefined();
  });

  it("keeps the last piece even when it alone is longer than what it keeps", () => {
    const { log } = logOf(["ab", "x".repeat(50)], 10);
    expect(log.slice(2, 52)).toBe("x".repeat(50));
  });

  it("starts over, with a new generation, when the text did not grow by the piece", () => {
    const { log } = logOf(["abc", "def"]);
    const generation = log.generation;
    // Rolled back to 3 characters, then grown again: the log cannot vouch for 0..3.
    log.append("DEF", 6);
    expect(log.generation).not.toBe(generation);
    expect(log.slice(0, 6)).toBeUndefined();
    expect(log.slice(3, 6)).toBe("DEF");
    const afterRollback = log.generation;
    log.reset(100);
    expect(log.generation).not.toBe(afterRollback);
    expect(log.end).toBe(100);
    expect(log.slice(3, 6)).toBeUndefined();
  });
});
