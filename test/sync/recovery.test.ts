import { describe, expect, it } from "vitest";
import {
  InvalidOffsetError,
  NetworkError,
  OffsetGoneError,
  ParseError,
  StreamNotFoundError,
  UnauthorizedError,
  UnexpectedStatusError,
} from "../../src/client/index.js";
import { recoveryFor, type Recovery, type RecoveryFacts } from "../../src/sync/recovery.js";

const url = "http://127.0.0.1/s";
const fresh: RecoveryFacts = { hasOffset: true, failures: 0, resets: 0 };

describe("recoveryFor", () => {
  const cases: Array<[string, unknown, RecoveryFacts, Recovery]> = [
    [
      "recreated, first time: start over at once",
      new OffsetGoneError(url, "5", { reason: "recreated", tail: "1" }),
      fresh,
      { kind: "start-over", delayMs: 0, discardCheckpoint: true },
    ],
    [
      "410, first time: start over at once",
      new OffsetGoneError(url, "5"),
      fresh,
      { kind: "start-over", delayMs: 0, discardCheckpoint: true },
    ],
    [
      "410 again before healthy: start over after 1 s",
      new OffsetGoneError(url, "5"),
      { ...fresh, resets: 1 },
      { kind: "start-over", delayMs: 1000, discardCheckpoint: true },
    ],
    [
      "410 a third time: 2 s",
      new OffsetGoneError(url, "5"),
      { ...fresh, resets: 2 },
      { kind: "start-over", delayMs: 2000, discardCheckpoint: true },
    ],
    [
      "410 many times: capped at 30 s",
      new OffsetGoneError(url, "5"),
      { ...fresh, resets: 40 },
      { kind: "start-over", delayMs: 30_000, discardCheckpoint: true },
    ],
    [
      "410 from the beginning: nothing to start over from",
      new OffsetGoneError(url, "-1"),
      { ...fresh, hasOffset: false },
      { kind: "stop", discardCheckpoint: true },
    ],
    [
      "404: stop, checkpoint dropped",
      new StreamNotFoundError(url),
      fresh,
      { kind: "stop", discardCheckpoint: true },
    ],
    [
      "network failure: reconnect after 1 s",
      new NetworkError("cut", { url }),
      fresh,
      { kind: "reconnect", delayMs: 1000, discardCheckpoint: false },
    ],
    [
      "network failure, third in a row: 4 s",
      new NetworkError("cut", { url }),
      { ...fresh, failures: 2 },
      { kind: "reconnect", delayMs: 4000, discardCheckpoint: false },
    ],
    [
      "503 retries spent: reconnect",
      new UnexpectedStatusError(url, 503, "", { retryable: true }),
      fresh,
      { kind: "reconnect", delayMs: 1000, discardCheckpoint: false },
    ],
    ["parse error: stop", new ParseError("bad"), fresh, { kind: "stop", discardCheckpoint: false }],
    [
      "401 after a refresh: stop",
      new UnauthorizedError(url),
      fresh,
      { kind: "stop", discardCheckpoint: false },
    ],
    [
      "bad offset: stop",
      new InvalidOffsetError(url, "x"),
      fresh,
      { kind: "stop", discardCheckpoint: false },
    ],
    [
      "not a library error: stop",
      new Error("boom"),
      fresh,
      { kind: "stop", discardCheckpoint: false },
    ],
  ];
  it.each(cases)("%s", (_name, error, facts, recovery) => {
    expect(recoveryFor(error, facts)).toEqual(recovery);
  });
});
