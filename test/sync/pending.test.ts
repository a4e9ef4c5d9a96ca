import { describe, expect, it } from "vitest";
import { mergePending } from "../../src/sync/pending.js";

interface Card {
  id: string;
}
const keyOf = (card: Card) =>
  typeof card === "object" && card !== null && typeof card.id === "string" ? card.id : undefined;
const ids = (cards: readonly Card[]) => cards.map((card) => card.id);

describe("mergePending", () => {
  const rows: Array<[string, string[], unknown[], Array<[string, boolean]>]> = [
    [
      "nothing pending: the stream's items",
      ["a", "b"],
      [],
      [
        ["a", false],
        ["b", false],
      ],
    ],
    [
      "pending ones follow, in order",
      ["a"],
      [{ id: "x" }, { id: "y" }],
      [
        ["a", false],
        ["x", true],
        ["y", true],
      ],
    ],
    [
      "one back from the stream shows once, where the stream has it",
      ["a", "x"],
      [{ id: "x" }, { id: "y" }],
      [
        ["a", false],
        ["x", false],
        ["y", true],
      ],
    ],
    [
      "a pending message without a key is left out",
      ["a"],
      ["not a card", { id: "y" }],
      [
        ["a", false],
        ["y", true],
      ],
    ],
    ["the same key pending twice shows once", [], [{ id: "x" }, { id: "x" }], [["x", true]]],
  ];
  it.each(rows)("%s", (_name, streamIds, pending, expected) => {
    const items = streamIds.map((id) => ({ id }));
    const merged = mergePending(items, pending, keyOf);
    expect(merged.map((entry) => [entry.key, entry.pending])).toEqual(expected);
    expect(ids(merged.map((entry) => entry.item))).toEqual(expected.map(([id]) => id));
  });
});
