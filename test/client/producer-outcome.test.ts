// @vitest-environment node
import { describe, expect, it } from "vitest";
import {
  ContentTypeMismatchError,
  NetworkError,
  SequenceGapError,
  StaleEpochError,
  StreamClosedError,
  type DurableStreamError,
} from "../../src/client/index.js";
import {
  MAX_EARLY_RETRIES,
  decideBatch,
  type BatchFacts,
  type BatchStanding,
} from "../../src/client/producer-outcome.js";
import type { ProducerOutcome } from "../../src/client/producer-send.js";

// What the producer does with a batch once the server answered it: a pure
// decision, so it is tested as a table, without a server.

const url = "http://127.0.0.1:1/s";
const fenced = new StaleEpochError(url, 4);
const closed = new StreamClosedError(url, "0042");
const gap = new SequenceGapError(url, 9, 3);
const mismatch = new ContentTypeMismatchError(url, "text/plain", "application/json");
const lost = new NetworkError("socket hang up", { url });

const ok = (offset: string | undefined, duplicate = false): ProducerOutcome => ({
  kind: "ok",
  offset,
  duplicate,
});
const refused = (error: DurableStreamError): ProducerOutcome => ({ kind: "refused", error });
/** Sequence 4 reached the server while it still expected 2. */
const early: ProducerOutcome = { kind: "early", expectedSeq: 2, receivedSeq: 4 };

const pending: BatchStanding = { outcome: "pending", error: undefined };
const stored: BatchStanding = { outcome: "ok", error: undefined };
const failed: BatchStanding = { outcome: "failed", error: lost };

interface Given {
  autoClaim?: boolean;
  /** The epoch the batch went out in (the current one is 3). */
  epoch?: number;
  earlyRetries?: number;
  /** Where the batch before it stands. */
  prev?: BatchStanding;
  waited?: boolean;
}

const facts = (given: Given): BatchFacts => ({
  url,
  autoClaim: given.autoClaim ?? false,
  batch: { epoch: given.epoch ?? 3, earlyRetries: given.earlyRetries ?? 0 },
  currentEpoch: 3,
  predecessor: given.prev,
  waited: given.waited ?? false,
});

/** The gap the early batch fails with; `cause`: the predecessor's failure, when it failed. */
const gapError = (...cause: [unknown?]) =>
  expect.objectContaining({
    name: "SequenceGapError",
    expectedSeq: 2,
    receivedSeq: 4,
    ...(cause.length > 0 ? { cause: cause[0] } : {}),
  });
/** The epoch moved on: the batch goes back to the queue, with the current epoch as the reason. */
const stale = expect.objectContaining({ name: "StaleEpochError", currentEpoch: 3 });

// The decisions, as decideBatch spells them.
const ack = (offset?: string) => ({ kind: "ack", offset });
const WAIT = { kind: "wait" };
const RESEND = { kind: "resend", pause: false };
const RESEND_AFTER_PAUSE = { kind: "resend", pause: true };
const claim = (error: unknown) => ({ kind: "claim", error });
const requeue = (error: unknown) => ({ kind: "requeue", error });
const fail = (error: unknown) => ({ kind: "fail", error });
const halt = (error: unknown) => ({ kind: "halt", error });

const rows: Array<[label: string, outcome: ProducerOutcome, given: Given, decision: unknown]> = [
  // Stored.
  ["stored: the stream's end moved", ok("0007"), {}, ack("0007")],
  ["a repeat of a stored batch moves nothing", ok("0007", true), {}, ack()],
  ["stored, no offset in the answer", ok(undefined), {}, ack()],
  // Refused.
  ["fenced, autoClaim, current epoch", refused(fenced), { autoClaim: true }, claim(fenced)],
  ["fenced, autoClaim, old epoch", refused(fenced), { autoClaim: true, epoch: 2 }, requeue(fenced)],
  ["fenced, no autoClaim", refused(fenced), {}, halt(fenced)],
  ["fenced, no autoClaim, older epoch", refused(fenced), { epoch: 2 }, halt(fenced)],
  ["the stream is closed", refused(closed), {}, halt(closed)],
  ["the stream is closed, autoClaim", refused(closed), { autoClaim: true }, halt(closed)],
  ["a sequence gap", refused(gap), { autoClaim: true }, fail(gap)],
  ["a content type mismatch", refused(mismatch), {}, fail(mismatch)],
  ["any other refusal", refused(lost), {}, fail(lost)],
  // Arrived early.
  ["early, predecessor on the wire", early, { prev: pending }, WAIT],
  ["early, predecessor failed", early, { prev: failed }, fail(gapError(lost))],
  ["early, predecessor acknowledged (gone)", early, {}, RESEND_AFTER_PAUSE],
  ["early, predecessor acknowledged (held)", early, { prev: stored }, RESEND_AFTER_PAUSE],
  ["early, one pause left", early, { earlyRetries: MAX_EARLY_RETRIES - 1 }, RESEND_AFTER_PAUSE],
  ["early, pauses used up", early, { earlyRetries: MAX_EARLY_RETRIES }, fail(gapError())],
  ["early, the epoch moved on", early, { epoch: 2, prev: pending }, requeue(stale)],
  ["early, epoch moved, predecessor failed", early, { epoch: 2, prev: failed }, requeue(stale)],
  // After waiting for the predecessor.
  ["waited: predecessor stored", early, { waited: true, prev: stored }, RESEND],
  ["waited: stored, epoch moved", early, { waited: true, epoch: 2, prev: stored }, RESEND],
  ["waited: predecessor failed", early, { waited: true, prev: failed }, fail(gapError(lost))],
  ["waited: a new epoch began", early, { waited: true, epoch: 2, prev: pending }, requeue(stale)],
];

describe("decideBatch", () => {
  it.each(rows)("%s", (_label, outcome, given, decision) => {
    expect(decideBatch(outcome, facts(given))).toEqual(decision);
  });

  it("hands on the server's own error, not a copy", () => {
    const decision = decideBatch(refused(fenced), facts({ autoClaim: true }));
    expect(decision.kind === "claim" && decision.error).toBe(fenced);
  });
});
