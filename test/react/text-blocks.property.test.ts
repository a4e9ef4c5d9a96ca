// @vitest-environment node
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { textBlocks } from "../../src/react/text-blocks.js";

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
