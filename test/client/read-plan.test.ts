import { describe, expect, it } from "vitest";
import { NetworkError, ParseError } from "../../src/client/errors.js";
import type { LiveMode } from "../../src/client/read-options.js";
import {
  afterSseConnection,
  firstRequestLive,
  nextStep,
  readFailureKind,
  sseAnswerKind,
  tailFor,
  type PlanState,
  type ReadStep,
  type SseVerdict,
} from "../../src/client/read-plan.js";
import {
  advancePosition,
  type AnswerPiece,
  type ReadPosition,
} from "../../src/client/read-position.js";
import { NoProgress } from "../../src/client/read-settle.js";
import { retrySchedule, resolveRetryPolicy } from "../../src/client/retry.js";

const state = (overrides: Partial<PlanState>): PlanState => ({
  live: "long-poll",
  tail: "long-poll",
  upToDate: false,
  closed: false,
  resumeWithGet: false,
  hidden: false,
  ...overrides,
});

describe("nextStep", () => {
  const rows: Array<[string, Partial<PlanState>, ReadStep]> = [
    ["catching up", {}, "catch-up"],
    ["catching up while hidden (catch-up never waits for the page)", { hidden: true }, "catch-up"],
    ["closed", { closed: true, upToDate: true }, "done"],
    ["closed before up to date", { closed: true }, "done"],
    ["up to date, live off", { live: "off", tail: "off", upToDate: true }, "done"],
    ["not yet up to date, live off", { live: "off", tail: "off" }, "catch-up"],
    ["up to date, long-poll", { upToDate: true }, "long-poll"],
    ["up to date, long-poll, hidden", { upToDate: true, hidden: true }, "resume"],
    ["up to date after an interruption", { upToDate: true, resumeWithGet: true }, "resume"],
    ["catching up after an interruption", { resumeWithGet: true }, "resume"],
    ["up to date, SSE", { live: "sse", tail: "sse", upToDate: true }, "sse"],
    [
      "up to date, SSE, hidden (the connection waits itself)",
      { tail: "sse", upToDate: true, hidden: true },
      "sse",
    ],
    [
      "up to date, SSE, after an interruption",
      { tail: "sse", upToDate: true, resumeWithGet: true },
      "resume",
    ],
    [
      "auto fell back to long-poll",
      { live: "auto", tail: "long-poll", upToDate: true },
      "long-poll",
    ],
    ["catching up under auto with SSE", { live: "auto", tail: "sse" }, "catch-up"],
  ];
  it.each(rows)("%s", (_name, overrides, step) => {
    expect(nextStep(state(overrides))).toBe(step);
  });
});

describe("firstRequestLive and tailFor", () => {
  const first: Array<[string, LiveMode, "long-poll" | undefined]> = [
    ["-1", "long-poll", undefined],
    ["now", "long-poll", "long-poll"],
    ["now", "sse", undefined],
    ["now", "auto", undefined],
    ["0000_0005", "long-poll", undefined],
  ];
  it.each(first)("first request from %s under %s: live %s", (offset, live, expected) => {
    expect(firstRequestLive(offset, live)).toBe(expected);
  });

  const tails: Array<[LiveMode, string | undefined, string]> = [
    ["auto", "application/json", "sse"],
    ["auto", "application/json; charset=utf-8", "sse"],
    ["auto", "text/plain", "long-poll"],
    ["auto", "application/octet-stream", "long-poll"],
    ["auto", undefined, "long-poll"],
    ["sse", "text/plain", "sse"],
    ["long-poll", "application/json", "long-poll"],
    ["off", "application/json", "off"],
  ];
  it.each(tails)("live %s on %s tails with %s", (live, type, tail) => {
    expect(tailFor(live, type)).toBe(tail);
  });
});

describe("afterSseConnection", () => {
  const limits = { minConnectionMs: 1000, maxShortConnections: 3 };
  const rows: Array<[string, boolean, number | undefined, number, SseVerdict, number]> = [
    ["the stream closed", true, 50, 2, "done", 2],
    ["lived long enough", false, 1000, 2, "reconnect", 0],
    ["died young, first time", false, 999, 0, "back-off", 1],
    ["never opened", false, undefined, 0, "back-off", 1],
    ["died young, second in a row", false, 10, 1, "back-off", 2],
    ["died young, third in a row", false, 10, 2, "fall-back", 3],
    ["never opened, third in a row", false, undefined, 2, "fall-back", 3],
  ];
  it.each(rows)("%s", (_name, closed, lifetimeMs, short, verdict, after) => {
    expect(afterSseConnection(closed, lifetimeMs, short, limits)).toEqual({
      verdict,
      shortConnections: after,
    });
  });
});

describe("sseAnswerKind", () => {
  const rows: Array<[string | undefined, boolean, LiveMode, string]> = [
    ["text/event-stream", true, "sse", "events"],
    ["text/event-stream", true, "auto", "events"],
    ["text/event-stream", false, "auto", "fall-back"],
    ["application/json", true, "auto", "fall-back"],
    [undefined, true, "auto", "fall-back"],
    ["application/json", true, "sse", "unsupported"],
    ["text/event-stream", false, "sse", "unsupported"],
  ];
  it.each(rows)("%s (body %s) under %s: %s", (type, hasBody, live, kind) => {
    expect(sseAnswerKind(type, hasBody, live)).toBe(kind);
  });
});

describe("readFailureKind", () => {
  const url = "http://127.0.0.1/x";
  const rows: Array<[string, unknown, boolean, string]> = [
    ["no progress", new NoProgress("5"), false, "stalled"],
    ["a broken connection", new NetworkError("broke", { url }), false, "transient"],
    ["a broken connection of a stopped read", new NetworkError("broke", { url }), true, "fatal"],
    ["a parse error", new ParseError("bad", { url }), false, "fatal"],
    ["an abort reason", new DOMException("stop", "AbortError"), true, "fatal"],
  ];
  it.each(rows)("%s", (_name, error, stopped, kind) => {
    expect(readFailureKind(error, stopped)).toBe(kind);
  });
});

describe("advancePosition", () => {
  const at: ReadPosition = { offset: "5", cursor: "c5", upToDate: false, closed: false };
  const piece = (overrides: Partial<AnswerPiece>): AnswerPiece => ({
    payload: "x",
    offset: "9",
    cursor: "c9",
    upToDate: false,
    closed: false,
    partial: false,
    ...overrides,
  });
  const rows: Array<
    [string, ReadPosition, Partial<AnswerPiece>, ReadPosition, Record<string, unknown>]
  > = [
    [
      "an answer moves the position and the checkpoint",
      at,
      {},
      { offset: "9", cursor: "c9", upToDate: false, closed: false },
      { offset: "9", checkpoint: { offset: "9", cursor: "c9" }, upToDate: false, partial: false },
    ],
    [
      "an answer at the tail is up to date",
      at,
      { upToDate: true },
      { offset: "9", cursor: "c9", upToDate: true, closed: false },
      { upToDate: true },
    ],
    [
      "closed means up to date",
      at,
      { closed: true },
      { offset: "9", cursor: "c9", upToDate: true, closed: true },
      { upToDate: true, closed: true },
    ],
    [
      "a piece leaves position and checkpoint at the response's start",
      at,
      { partial: true, offset: "ignored" },
      at,
      { offset: "5", checkpoint: { offset: "5", cursor: "c5" }, upToDate: false, partial: true },
    ],
    [
      "a piece of an up-to-date read is not up to date",
      { ...at, upToDate: true },
      { partial: true },
      { ...at, upToDate: true },
      { upToDate: false },
    ],
    [
      "closed stays closed",
      { ...at, upToDate: true, closed: true },
      { upToDate: true },
      { offset: "9", cursor: "c9", upToDate: true, closed: true },
      { closed: false },
    ],
    [
      "an answer without a cursor clears it",
      at,
      { cursor: undefined },
      { offset: "9", cursor: undefined, upToDate: false, closed: false },
      { cursor: undefined, checkpoint: { offset: "9", cursor: undefined } },
    ],
  ];
  it.each(rows)("%s", (_name, before, overrides, after, chunk) => {
    const result = advancePosition(before, piece(overrides));
    expect(result.position).toEqual(after);
    expect(result.chunk).toMatchObject(chunk);
    expect(result.chunk.payload).toBe("x");
  });
});

describe("retrySchedule", () => {
  const policy = resolveRetryPolicy({ maxRetries: 2, initialDelayMs: 100, maxDelayMs: 1000 });
  it("counts failures up to maxRetries, then is spent; reset starts over", () => {
    const schedule = retrySchedule(policy);
    const waits = [schedule.next(), schedule.next(), schedule.next()];
    expect(waits.map((wait) => wait !== undefined)).toEqual([true, true, false]);
    expect(waits[0]).toBeLessThanOrEqual(100);
    expect(waits[1]).toBeLessThanOrEqual(200);
    expect(schedule.attempts).toBe(2);
    schedule.reset();
    expect(schedule.attempts).toBe(0);
    expect(schedule.next()).toBeLessThanOrEqual(100);
  });

  it("never waits less than Retry-After", () => {
    expect(retrySchedule(policy).next(5000)).toBe(5000);
  });

  it("with a deadline, ignores maxRetries and never waits past the deadline", () => {
    const schedule = retrySchedule(policy, Date.now() + 50);
    for (let i = 0; i < 5; i++) expect(schedule.next()).toBeLessThanOrEqual(50);
    expect(schedule.attempts).toBe(5);
    expect(retrySchedule(policy, Date.now() - 1).next()).toBeUndefined();
  });
});
