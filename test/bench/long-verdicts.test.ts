import { describe, expect, it } from "vitest";
import { formatLongVerdicts } from "../../bench/render/long/table.js";
import { growth, longVerdicts, type LongFigures } from "../../bench/render/long/verdicts.js";
import type { LongResult } from "../../bench/render/long/variant.js";

const window = (busy: number, layout: number, script: number) => ({
  busyMsPerSecond: busy,
  layoutMsPerCommit: layout,
  scriptMsPerCommit: script,
});

function figures(overrides: Partial<LongFigures>): LongFigures {
  return {
    view: "text-default",
    heapBytes: 2_000_000,
    contentBytes: 1_000_000,
    start: window(100, 1, 1),
    end: window(120, 1.2, 5),
    ...overrides,
  };
}

const summary = (f: LongFigures) =>
  longVerdicts(f).map((v) => `${v.name}:${v.pass ? "pass" : "fail"}${v.unbounded ? ":info" : ""}`);

describe("growth", () => {
  it.each([
    { start: 2, end: 3, ratio: 1.5 },
    { start: 0, end: 0, ratio: 1 },
    { start: 0, end: 1, ratio: Number.POSITIVE_INFINITY },
  ])("$start -> $end", ({ start, end, ratio }) => {
    expect(growth(start, end)).toBe(ratio);
  });
});

describe("longVerdicts", () => {
  it.each([
    {
      why: "default text: heap, busy and layout checked; script is not",
      f: figures({}),
      verdicts: [
        "heap / content:pass",
        "busyMsPerSecond end/start:pass",
        "layoutMsPerCommit end/start:pass",
      ],
    },
    {
      why: "default text: busy over 1.5x fails",
      f: figures({ end: window(151, 1, 1) }),
      verdicts: [
        "heap / content:pass",
        "busyMsPerSecond end/start:fail",
        "layoutMsPerCommit end/start:pass",
      ],
    },
    {
      why: "blocks: heap only, and over 3x fails",
      f: figures({ view: "text-blocks", heapBytes: 3_100_000 }),
      verdicts: ["heap / content:fail"],
    },
    {
      why: "virtual list: heap and script",
      f: figures({ view: "virtual-list", end: window(100, 1, 1.6) }),
      verdicts: ["heap / content:pass", "scriptMsPerCommit end/start:fail"],
    },
    {
      why: "StreamList: heap reported unbounded, script checked",
      f: figures({ view: "list", heapBytes: 5_000_000, end: window(100, 9, 1.2) }),
      verdicts: ["heap / content:fail:info", "scriptMsPerCommit end/start:pass"],
    },
  ])("$why", ({ f, verdicts }) => {
    expect(summary(f)).toEqual(verdicts);
  });

  it("prints INFO, not FAIL, for an unbounded figure, so the bench does not fail on it", () => {
    const result = {
      label: "<StreamList>",
      verdicts: longVerdicts(
        figures({ view: "list", heapBytes: 5_000_000, end: window(100, 1, 1) }),
      ),
      failures: [],
    } as unknown as LongResult;
    const lines = formatLongVerdicts([result]).split("\n");
    expect(lines[0]).toMatch(/^INFO <StreamList>: heap \/ content 5\.00 \(not held to 3: /);
    expect(lines.some((line) => line.startsWith("FAIL "))).toBe(false);
  });
});
