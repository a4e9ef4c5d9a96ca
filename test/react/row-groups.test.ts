import { describe, expect, it } from "vitest";
import { rowGroup, rowGroups, sameRows } from "../../src/react/row-groups.js";

describe("rowGroups", () => {
  it.each([
    { start: 0, end: 0, size: 4, groups: [] },
    { start: 0, end: 3, size: 4, groups: [{ start: 0, end: 3 }] },
    { start: 0, end: 4, size: 4, groups: [{ start: 0, end: 4 }] },
    {
      start: 0,
      end: 9,
      size: 4,
      groups: [
        { start: 0, end: 4 },
        { start: 4, end: 8 },
        { start: 8, end: 9 },
      ],
    },
    {
      start: 16,
      end: 26,
      size: 4,
      groups: [
        { start: 16, end: 20 },
        { start: 20, end: 24 },
        { start: 24, end: 26 },
      ],
    },
  ])("rows [$start, $end) in groups of $size", ({ start, end, size, groups }) => {
    expect(rowGroups(start, end, size)).toEqual(groups);
  });
});

describe("rowGroup", () => {
  it.each([
    { index: 0, length: 9, range: { start: 0, end: 4 } },
    { index: 2, length: 9, range: { start: 8, end: 9 } },
    { index: 2, length: 12, range: { start: 8, end: 12 } },
    { index: 3, length: 9, range: { start: 9, end: 9 } },
    { index: 0, length: 0, range: { start: 0, end: 0 } },
  ])("group $index of $length rows (size 4)", ({ index, length, range }) => {
    expect(rowGroup(index, 4, length)).toEqual(range);
  });
});

describe("sameRows", () => {
  const a = { id: "a" };
  const b = { id: "b" };
  const c = { id: "c" };
  const previous = [a, b];
  it.each([
    { why: "the same array", next: previous, start: 0, end: 2, same: true },
    { why: "an append keeps earlier rows", next: [a, b, c], start: 0, end: 2, same: true },
    { why: "a reset replaces rows", next: [{ id: "a" }, b], start: 0, end: 2, same: false },
    { why: "only the range counts", next: [{ id: "a" }, b], start: 1, end: 2, same: true },
    { why: "a row past the old end is new", next: [a, b, c], start: 0, end: 3, same: false },
    { why: "an empty range", next: [], start: 0, end: 0, same: true },
  ])("$why", ({ next, start, end, same }) => {
    expect(sameRows(previous, next, start, end)).toBe(same);
  });
});
