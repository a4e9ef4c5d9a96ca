import { describe, expect, it } from "vitest";
import { formatAgo, formatBytes, formatCountdown, formatError } from "../../src/devtools/format.js";

describe("devtools formatting", () => {
  it.each([
    [0, "0 B"],
    [1023, "1023 B"],
    [1024, "1.0 KB"],
    [1536, "1.5 KB"],
    [10 * 1024, "10 KB"],
    [5 * 1024 * 1024 + 1, "5.0 MB"],
    [3 * 1024 ** 3, "3.0 GB"],
    [5000 * 1024 ** 3, "5000 GB"],
  ])("formatBytes(%d) is %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it.each([
    [undefined, 0, "—"],
    [10_000, 10_000, "now"],
    [9_000, 10_000, "now"],
    [10_001, 10_000, "in 1 s"],
    [13_000, 10_000, "in 3 s"],
    [12_500, 10_000, "in 3 s"],
  ])("formatCountdown(%s, %d) is %s", (at, now, text) => {
    expect(formatCountdown(at, now)).toBe(text);
  });

  it.each([
    [10_000, 10_000, "0 s ago"],
    [20_000, 10_000, "0 s ago"],
    [10_000, 14_400, "4 s ago"],
    [0, 59_000, "59 s ago"],
    [0, 3 * 60_000, "3 min ago"],
    [0, 2 * 3_600_000, "2 h ago"],
  ])("formatAgo(%d, %d) is %s", (at, now, text) => {
    expect(formatAgo(at, now)).toBe(text);
  });

  it("writes an error as its name and message, once", () => {
    expect(formatError(undefined)).toBe("—");
    const plain = new TypeError("bad input");
    expect(formatError(plain)).toBe("TypeError: bad input");
    const named = new Error("StreamNotFoundError: no stream");
    named.name = "StreamNotFoundError";
    expect(formatError(named)).toBe("StreamNotFoundError: no stream");
  });
});
