import { describe, expect, it } from "vitest";
import { NetworkError } from "../../src/client/index.js";
import {
  IDLE_PRODUCER,
  producerSnapshot,
  type ProducerFacts,
  type ProducerSnapshot,
} from "../../src/sync/producer-snapshot.js";

const failure = new NetworkError("connection reset");

const quiet: ProducerFacts = {
  stopped: false,
  pendingCount: 0,
  inFlightCount: 0,
  lastOffset: "7",
  epoch: 1,
  pending: [],
};

describe("producerSnapshot", () => {
  const rows: Array<
    [string, Partial<ProducerFacts>, Error | undefined, ProducerSnapshot["status"]]
  > = [
    ["nothing pending, no failure: idle", {}, undefined, "idle"],
    ["messages pending: sending", { pendingCount: 3 }, undefined, "sending"],
    ["a batch on the wire: sending", { inFlightCount: 1 }, undefined, "sending"],
    ["a failure, nothing pending: error", {}, failure, "error"],
    ["a failure, more pending: sending (it goes on)", { pendingCount: 2 }, failure, "sending"],
    ["a failure, a batch on the wire: sending", { inFlightCount: 1 }, failure, "sending"],
    ["stopped: stopped", { stopped: true }, undefined, "stopped"],
    ["stopped with a failure: stopped", { stopped: true }, failure, "stopped"],
    ["stopped with messages left: stopped", { stopped: true, pendingCount: 4 }, failure, "stopped"],
    [
      "an earlier page's messages being sent again: sending",
      { pending: ["a"] },
      undefined,
      "sending",
    ],
    ["undelivered earlier messages, nothing left: error", {}, failure, "error"],
  ];

  it.each(rows)("%s", (_name, facts, error, status) => {
    const all = { ...quiet, ...facts };
    expect(producerSnapshot(all, error, IDLE_PRODUCER)).toEqual({
      status,
      error,
      pendingCount: all.pendingCount,
      inFlightCount: all.inFlightCount,
      lastOffset: all.lastOffset,
      epoch: all.epoch,
      pending: all.pending,
    });
  });

  it("keeps the previous object while nothing in it changed", () => {
    const first = producerSnapshot(quiet, failure, IDLE_PRODUCER);
    expect(producerSnapshot({ ...quiet }, failure, first)).toBe(first);
  });

  it.each<[string, Partial<ProducerFacts>, Error | undefined]>([
    ["the pending count", { pendingCount: 1 }, failure],
    ["the in-flight count", { inFlightCount: 1 }, failure],
    ["the offset", { lastOffset: "8" }, failure],
    ["the epoch", { epoch: 2 }, failure],
    ["stopping", { stopped: true }, failure],
    ["the pending messages", { pending: ["b"] }, failure],
    ["the failure", {}, new NetworkError("again")],
    ["no failure any more", {}, undefined],
  ])("makes a new one when %s changes", (_name, facts, error) => {
    const first = producerSnapshot(quiet, failure, IDLE_PRODUCER);
    const next = producerSnapshot({ ...quiet, ...facts }, error, first);
    expect(next).not.toBe(first);
  });

  it("a producer that does not exist yet is idle at epoch 0", () => {
    expect(IDLE_PRODUCER).toEqual({
      status: "idle",
      error: undefined,
      pendingCount: 0,
      inFlightCount: 0,
      lastOffset: undefined,
      epoch: 0,
      pending: [],
    });
  });
});
