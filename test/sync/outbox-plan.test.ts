import { describe, expect, it } from "vitest";
import { replayPlan } from "../../src/sync/outbox-plan.js";
import type { OutboxRecord } from "../../src/sync/outbox-store.js";

let counter = 0;
/** A record appended in `appendEpoch`, numbered (epoch, seq) if given. */
function record(message: string, appendEpoch: number, numbered?: [number, number]): OutboxRecord {
  return {
    producerId: "p",
    url: "http://127.0.0.1/s",
    order: [1, counter++],
    message,
    appendEpoch,
    epoch: numbered?.[0],
    seq: numbered?.[1],
  };
}

/** The plan as (epoch, seq, messages, numbered now). */
function shape(plan: ReturnType<typeof replayPlan>) {
  return plan.map((batch) => [
    batch.epoch,
    batch.seq,
    batch.records.map((r) => r.message).join(""),
    batch.numberedNow,
  ]);
}

describe("replayPlan", () => {
  const rows: Array<
    [
      string,
      () => OutboxRecord[],
      { epoch: number; nextSeq: number } | undefined,
      Array<[number, number, string, boolean]>,
    ]
  > = [
    ["nothing recorded: nothing to send", () => [], undefined, []],
    [
      "numbered batches go as numbered, grouped, in (epoch, seq) order",
      () => [record("c", 2, [2, 1]), record("a", 2, [2, 0]), record("b", 2, [2, 0])],
      { epoch: 2, nextSeq: 2 },
      [
        [2, 0, "ab", false],
        [2, 1, "c", false],
      ],
    ],
    [
      "never numbered, no cursor: their append epoch from sequence 0",
      () => [record("a", 3), record("b", 3)],
      undefined,
      [[3, 0, "ab", true]],
    ],
    [
      "never numbered continue the cursor's sequence in its epoch",
      () => [record("x", 4)],
      { epoch: 4, nextSeq: 7 },
      [[4, 7, "x", true]],
    ],
    [
      "never numbered follow the last numbered batch",
      () => [record("a", 1, [1, 5]), record("b", 1)],
      { epoch: 1, nextSeq: 6 },
      [
        [1, 5, "a", false],
        [1, 6, "b", true],
      ],
    ],
    [
      "a cursor behind the numbered batches (not written yet) is passed",
      () => [record("a", 1, [1, 5]), record("b", 1)],
      { epoch: 1, nextSeq: 2 },
      [
        [1, 5, "a", false],
        [1, 6, "b", true],
      ],
    ],
    [
      "appended in a later epoch than the cursor's: that epoch from 0",
      () => [record("n", 6)],
      { epoch: 5, nextSeq: 9 },
      [[6, 0, "n", true]],
    ],
    [
      "appended before a claim moved the epoch on: the cursor's epoch",
      () => [record("m", 2)],
      { epoch: 3, nextSeq: 1 },
      [[3, 1, "m", true]],
    ],
    [
      "numbered in two epochs: the older epoch first",
      () => [record("b", 2, [3, 0]), record("a", 2, [2, 4])],
      { epoch: 3, nextSeq: 1 },
      [
        [2, 4, "a", false],
        [3, 0, "b", false],
      ],
    ],
  ];

  it.each(rows)("%s", (_name, records, cursor, expected) => {
    expect(shape(replayPlan(records(), cursor))).toEqual(expected);
  });

  it("splits never-numbered records into batches of at most maxMessages, in order", () => {
    const records = [..."abcde"].map((letter) => record(letter, 0));
    expect(shape(replayPlan(records, undefined, 2))).toEqual([
      [0, 0, "ab", true],
      [0, 1, "cd", true],
      [0, 2, "e", true],
    ]);
  });

  it("orders never-numbered records by page stamp, then counter", () => {
    const late = { ...record("b", 0), order: [2, 0] as const };
    const early = { ...record("a", 0), order: [1, 9] as const };
    expect(shape(replayPlan([late, early], undefined))).toEqual([[0, 0, "ab", true]]);
  });
});
