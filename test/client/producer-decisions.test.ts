// @vitest-environment node
import { describe, expect, it } from "vitest";
import {
  NetworkError,
  ProducerClosedError,
  SequenceGapError,
  StaleEpochError,
  UnexpectedStatusError,
  type DurableStreamError,
} from "../../src/client/index.js";
import { deliveryFailure, isOutcomeUnknown } from "../../src/client/producer-delivery.js";
import { afterFailure, type AfterFailure } from "../../src/client/producer-sequencer.js";

const url = "http://127.0.0.1:1/s";

describe("whether a failed batch may be in the stream", () => {
  const cases: Array<[string, boolean, boolean, boolean]> = [
    ["every attempt answered", false, false, false],
    ["an attempt lost", true, false, true],
    ["an attempt lost, behind a batch the server certainly lacks", true, true, false],
    ["every attempt answered, behind such a batch", false, true, false],
  ];
  for (const [label, mayHaveLanded, behindKnownGap, expected] of cases) {
    it(`${label}: ${expected ? "unknown" : "not stored"}`, () => {
      expect(isOutcomeUnknown(mayHaveLanded, behindKnownGap)).toBe(expected);
    });
  }
});

describe("what a failure means for the batches after it", () => {
  const cases: Array<[string, Parameters<typeof afterFailure>[0], AfterFailure]> = [
    ["may be stored", { outcomeUnknown: true, sent: true, currentEpoch: true }, "block"],
    [
      "may be stored, older epoch",
      { outcomeUnknown: true, sent: true, currentEpoch: false },
      "block",
    ],
    [
      "not stored, sent in this epoch",
      { outcomeUnknown: false, sent: true, currentEpoch: true },
      "new-epoch",
    ],
    [
      "not stored, sent in an older epoch",
      { outcomeUnknown: false, sent: true, currentEpoch: false },
      "none",
    ],
    ["never sent", { outcomeUnknown: false, sent: false, currentEpoch: true }, "none"],
  ];
  for (const [label, failure, expected] of cases) {
    it(`${label}: ${expected}`, () => {
      expect(afterFailure(failure)).toBe(expected);
    });
  }
});

describe("the error a failed batch is reported with", () => {
  const batch = { epoch: 2, seq: 7, messageCount: 3 };
  const lost = new NetworkError("Request failed: socket hang up", { url });
  const unavailable = new UnexpectedStatusError(url, 503, "");
  const detached = new ProducerClosedError(url, "detached", lost);
  const fenced = new StaleEpochError(url, 5);
  const alreadyUnknown = new NetworkError("lost", { url, outcomeUnknown: true });
  const gap = new SequenceGapError(url, 7, 8);

  const cases: Array<[string, DurableStreamError, boolean]> = [
    ["a network failure", lost, true],
    ["a 503 after a lost attempt", unavailable, true],
    ["stopped by detach()", detached, true],
    ["fenced after a lost attempt", fenced, true],
    ["a network failure", lost, false],
    ["a 503", unavailable, false],
    ["stopped by detach()", detached, false],
    ["through a gap", gap, false],
  ];
  for (const [label, error, unknown] of cases) {
    it(`${label}, ${unknown ? "may be stored" : "not stored"}`, () => {
      const reported = deliveryFailure(error, batch, unknown, url);
      if (!unknown) {
        expect(reported).toBe(error);
        return;
      }
      expect(reported).toBeInstanceOf(NetworkError);
      expect((reported as NetworkError).outcomeUnknown).toBe(true);
      expect(reported.cause).toBe(error);
      expect(reported.url).toBe(url);
      expect(reported.message).toBe(
        `Batch 7 of epoch 2 (3 messages) may have been stored: ${error.message}`,
      );
    });
  }

  it("a NetworkError that already says outcome unknown is reported as it is", () => {
    expect(deliveryFailure(alreadyUnknown, batch, true, url)).toBe(alreadyUnknown);
  });
});
