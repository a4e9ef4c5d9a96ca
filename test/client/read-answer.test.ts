import { describe, expect, it } from "vitest";
import {
  answerSignature,
  isEmptyJsonArray,
  judgeAnswer,
  paceDelay,
  type AnswerFacts,
  type AnswerVerdict,
} from "../../src/client/read-answer.js";
import { sleptBetween } from "../../src/client/network.js";

const at = (n: number) => `0000000000000000_${String(n).padStart(16, "0")}`;

describe("judgeAnswer", () => {
  const cases: Array<[string, AnswerFacts, AnswerVerdict]> = [
    [
      "data, offset forward",
      { requested: at(5), next: at(9), hasData: true, upToDate: false, closed: false },
      "advance",
    ],
    [
      "empty, offset forward",
      { requested: at(5), next: at(9), hasData: false, upToDate: true, closed: false },
      "advance",
    ],
    [
      "from the beginning, anything",
      { requested: "-1", next: at(0), hasData: false, upToDate: true, closed: false },
      "advance",
    ],
    [
      "from now, anything",
      { requested: "now", next: at(3), hasData: false, upToDate: true, closed: false },
      "advance",
    ],
    [
      "empty at the tail, up to date",
      { requested: at(5), next: at(5), hasData: false, upToDate: true, closed: false },
      "caught-up",
    ],
    [
      "empty at the tail, closed",
      { requested: at(5), next: at(5), hasData: false, upToDate: false, closed: true },
      "caught-up",
    ],
    [
      "empty, same offset, not up to date",
      { requested: at(5), next: at(5), hasData: false, upToDate: false, closed: false },
      "stalled",
    ],
    [
      "data under the same offset",
      { requested: at(5), next: at(5), hasData: true, upToDate: true, closed: false },
      "repeated-data",
    ],
    [
      "empty, tail behind the offset",
      { requested: at(100), next: at(8), hasData: false, upToDate: true, closed: false },
      "behind",
    ],
    [
      "data under an older offset",
      { requested: at(5), next: at(3), hasData: true, upToDate: false, closed: false },
      "backwards-data",
    ],
  ];
  it.each(cases)("%s", (_name, facts, verdict) => {
    expect(judgeAnswer(facts)).toBe(verdict);
  });
});

describe("paceDelay", () => {
  it.each([
    [0, 0, 0],
    [1, 0, 0],
    [2, 125, 250],
    [3, 250, 500],
    [4, 500, 1000],
    [6, 2000, 4000],
    [7, 2500, 5000],
    [30, 2500, 5000],
  ])("after %i quick empty answers waits between %i and %i ms", (streak, low, high) => {
    expect(paceDelay(streak, () => 0)).toBe(low);
    expect(paceDelay(streak, () => 1)).toBe(high);
  });
});

describe("isEmptyJsonArray", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  it.each([
    ["[]", true],
    [" [ ]\n", true],
    ["[1]", false],
    ["[", false],
    ["][", false],
    ["[][]", false],
    ["", false],
    ["{}", false],
  ])("%j is empty: %s", (text, empty) => {
    expect(isEmptyJsonArray(bytes(text))).toBe(empty);
  });
});

describe("answerSignature", () => {
  it("is equal only for the same status, offset, cursor and entity tag", () => {
    const base = answerSignature(204, at(5), "100", null);
    expect(answerSignature(204, at(5), "100", null)).toBe(base);
    expect(answerSignature(200, at(5), "100", null)).not.toBe(base);
    expect(answerSignature(204, at(6), "100", null)).not.toBe(base);
    expect(answerSignature(204, at(5), "101", null)).not.toBe(base);
    expect(answerSignature(204, at(5), "100", '"e"')).not.toBe(base);
  });
});

describe("sleptBetween", () => {
  it.each([
    [0, 2_000, false],
    [0, 9_999, false],
    [0, 10_001, true],
    [0, 600_000, true],
  ])("ticks at %i and %i ms (2 s interval, 8 s late) mean a sleep: %s", (previous, tick, slept) => {
    expect(sleptBetween(previous, tick, 2_000, 8_000)).toBe(slept);
  });
});
