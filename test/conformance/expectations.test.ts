// @vitest-environment node
import { describe, expect, it } from "vitest";
import { checkResult, expectsFailure } from "../../conformance/runner/expectations.js";

const readOk = (chunks: string[], extra: Record<string, unknown> = {}) => ({
  type: "read",
  success: true,
  status: 200,
  chunks: chunks.map((data) => ({ data })),
  offset: "0000_0010",
  upToDate: true,
  ...extra,
});

const notSupported = { type: "read", success: false, errorCode: "NOT_SUPPORTED", message: "nope" };

function failures(type: string, expectation: unknown, result: unknown): string[] {
  return checkResult(type, expectation, result).failures;
}

describe("strict expectation checking", () => {
  it("passes a matching read and stores offset, data and the whole result", () => {
    const result = readOk(["Hello, ", "World!"]);
    const out = checkResult(
      "read",
      {
        status: 200,
        data: "Hello, World!",
        dataContains: "World",
        dataContainsAll: ["Hello", "World"],
        dataExact: ["Hello, ", "World!"],
        chunkCount: 2,
        minChunks: 1,
        upToDate: true,
        streamClosed: false,
        storeOffsetAs: "off",
        storeDataAs: "text",
        storeAs: "all",
      },
      result,
    );
    expect(out.failures).toEqual([]);
    expect(out.stores).toEqual([
      ["off", "0000_0010"],
      ["text", "Hello, World!"],
      ["all", result],
    ]);
  });

  it("never lets an error result satisfy a data expectation", () => {
    expect(failures("read", { data: "x" }, notSupported)).toEqual([
      'command failed: NOT_SUPPORTED "nope"',
    ]);
    // Even when the expectation asks for a failure, data keys stay unmet.
    const f = failures(
      "read",
      { status: 404, chunkCount: 0 },
      { ...notSupported, errorCode: "NOT_FOUND", status: 404 },
    );
    expect(f).toEqual(["chunkCount: an error result cannot satisfy a data expectation"]);
  });

  it("fails a failed command whose expectation does not ask for a failure", () => {
    expect(failures("read", { upToDate: true }, notSupported)).toHaveLength(1);
    expect(failures("append", undefined, notSupported)[0]).toMatch(/^command failed/);
    expect(failures("append", undefined, { type: "append", success: true })).toEqual([]);
  });

  it("fails unknown expectation keys loudly", () => {
    expect(failures("read", { data: "x", dataContainz: "x" }, readOk(["x"]))).toEqual([
      "unknown expectation key(s): dataContainz",
    ]);
  });

  it("fails error: true (and other failure expectations) when the command succeeded", () => {
    expect(failures("read", { error: true }, readOk(["x"]))[0]).toMatch(/expected a failure/);
    expect(failures("read", { status: 404 }, readOk(["x"]))[0]).toMatch(/expected a failure/);
    expect(failures("read", { error: true }, notSupported)).toEqual([]);
    expect(failures("validate", { valid: true }, { type: "validate", success: true })).toEqual([]);
  });

  it("checks errorCode, messageContains (case-insensitive) and errorContains (case-sensitive)", () => {
    const err = {
      type: "error",
      success: false,
      errorCode: "INVALID_ARGUMENT",
      message: "Invalid maxBatchBytes: must be > 0 (stream /My-Stream)",
    };
    expect(failures("validate", { valid: false, errorCode: "INVALID_ARGUMENT" }, err)).toEqual([]);
    expect(failures("x", { messageContains: ["my-stream", "INVALID"] }, err)).toEqual([]);
    expect(failures("x", { errorContains: "maxBatchBytes" }, err)).toEqual([]);
    expect(failures("x", { errorContains: "maxbatchbytes" }, err)).toHaveLength(1);
    expect(failures("x", { errorCode: "NOT_FOUND" }, err)[0]).toMatch(/expected errorCode/);
  });

  it("compares status whenever expected, except on a successful close", () => {
    expect(failures("append", { status: 200 }, { type: "append", success: true })).toEqual([
      "expected status 200, but the result has no status",
    ]);
    expect(failures("close", { status: 200 }, { type: "close", success: true })).toEqual([]);
    expect(
      failures("close", { status: 200 }, { type: "close", success: true, status: 204 }),
    ).toHaveLength(1);
    // A close *error* must carry its status.
    expect(
      failures("close", { status: 404 }, { type: "error", success: false, errorCode: "NOT_FOUND" }),
    ).toEqual(["expected status 404, but the result has no status"]);
  });

  it("checks producer fields on error results too", () => {
    const gap = { type: "server-append", success: false, status: 409, producerExpectedSeq: 1 };
    expect(failures("server-append", { status: 409, producerExpectedSeq: 1 }, gap)).toEqual([]);
    expect(failures("server-append", { status: 409, producerReceivedSeq: 2 }, gap)).toHaveLength(1);
  });

  it("checks head fields, sent maps and duplicate flags", () => {
    const head = {
      type: "head",
      success: true,
      status: 200,
      offset: "1_2",
      contentType: "text/plain",
    };
    expect(failures("head", { hasOffset: true, contentType: "text/plain" }, head)).toEqual([]);
    expect(failures("head", { hasOffset: true }, { ...head, offset: "" })).toHaveLength(1);
    const append = {
      type: "append",
      success: true,
      status: 200,
      headersSent: { "x-request-counter": "2" },
      paramsSent: { request_id: "2" },
    };
    expect(
      failures(
        "append",
        { headersSent: { "X-Request-Counter": "2" }, paramsSent: { request_id: "2" } },
        append,
      ),
    ).toEqual([]);
    expect(failures("append", { paramsSent: { Request_Id: "2" } }, append)).toHaveLength(1);
    expect(failures("append", { duplicate: true }, append)).toEqual([
      "expected duplicate true, got false",
    ]);
  });

  it("judges the fabricated append-batch result per item", () => {
    const ok = { success: true };
    const bad = { success: false, errorCode: "SEQUENCE_CONFLICT" };
    const partial = { type: "append-batch", success: false, status: 207, results: [ok, bad, ok] };
    expect(expectsFailure({ succeedIndices: [0, 2], failIndices: [1] })).toBe(true);
    expect(failures("append-batch", { succeedIndices: [0, 2], failIndices: [1] }, partial)).toEqual(
      [],
    );
    expect(failures("append-batch", { allSucceed: true }, partial)[0]).toMatch(/command failed/);
    expect(failures("append-batch", { failIndices: [0] }, partial)[0]).toMatch(/did not fail/);
    const all = { type: "append-batch", success: true, status: 200, results: [ok, ok] };
    expect(failures("append-batch", { allSucceed: true }, all)).toEqual([]);
  });

  it("rejects malformed results and malformed expectation values", () => {
    expect(failures("read", {}, "not an object")[0]).toMatch(/malformed result/);
    expect(failures("read", {}, { type: "read" })[0]).toMatch(/malformed result/);
    expect(failures("read", { chunkCount: "0" }, readOk([]))[0]).toMatch(/invalid expectation/);
    expect(failures("read", { data: "" }, { type: "read", success: true })[0]).toMatch(
      /no "chunks"/,
    );
  });
});
