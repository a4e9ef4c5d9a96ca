// @vitest-environment node
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TextBlockSplitter, textBlocks } from "../../src/react/text-blocks.js";

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

describe("TextBlockSplitter", () => {
  it("cut as the text grows, gives the blocks textBlocks gives for the whole text", () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z \n]{0,40}$/), { maxLength: 40 }),
        fc.integer({ min: 1, max: 30 }),
        (parts, target) => {
          const splitter = new TextBlockSplitter(target);
          let text = "";
          for (const part of parts) {
            text += part;
            const { complete, rest } = splitter.split(text);
            expect([...complete, rest]).toEqual(textBlocks(text, target));
          }
        },
      ),
    );
  });

  it("starts afresh when the text does not continue the one before", () => {
    const splitter = new TextBlockSplitter(3);
    expect(splitter.split("abcd\nefgh\nij").complete).toEqual(["abcd\n", "efgh\n"]);
    // Another stream, or a view that started over: shorter, or different where blocks were cut.
    expect(splitter.split("xy")).toEqual({ complete: [], rest: "xy" });
    splitter.split("abcd\nefgh\nij");
    expect(splitter.split("abcd\nefgX\nij").complete).toEqual(["abcd\n", "efgX\n"]);
  });

  it("keeps the same array of complete blocks while none completes, so views can skip them", () => {
    const splitter = new TextBlockSplitter(3);
    const first = splitter.split("abcd\nef").complete;
    expect(splitter.split("abcd\nefg").complete).toBe(first);
  });
});
