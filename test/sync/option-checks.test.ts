import { describe, expect, it } from "vitest";
import { InvalidArgumentError } from "../../src/client/index.js";
import {
  checkRuntimeOptions,
  checkViewOptions,
  type RuntimeOptionsInput,
  type ViewOptionsInput,
} from "../../src/sync/option-checks.js";

function rejection(check: () => void): { argument: string; message: string } {
  try {
    check();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    const { argument, message } = error as InvalidArgumentError;
    return { argument, message };
  }
  throw new Error("expected an InvalidArgumentError, nothing was thrown");
}

describe("checkViewOptions", () => {
  it.each<[string, ViewOptionsInput, string, string]>([
    [
      "unknown live mode",
      { url: "/a", live: "bogus" },
      "live",
      `"off", "long-poll", "sse", "auto"`,
    ],
    ["unknown as", { url: "/a", as: "xml" }, "as", `one of "json", "text", "bytes", got "xml"`],
    ["a string throttle", { url: "/a", throttle: "fast" }, "throttle", `got "fast"`],
    ["a negative throttle", { url: "/a", throttle: -1 }, "throttle", "got -1"],
    ["throttle true", { url: "/a", throttle: true }, "throttle", "got true"],
    ["an empty URL", { url: "" }, "url", `or null to disable the view, got ""`],
    ["a URL that is not a string", { url: 42 }, "url", "got 42"],
    ["an empty persist key", { url: "/a", persist: "" }, "persist", `non-empty string, got ""`],
    ["a numeric version", { url: "/a", version: 2 }, "version", "got 2"],
    [
      "pauseWhenHidden as a string",
      { url: "/a", pauseWhenHidden: "no" },
      "pauseWhenHidden",
      "a boolean",
    ],
    ["a reducer that is not a function", { url: "/a", reducer: {} }, "reducer", "got an object"],
    ["a select that is not a function", { url: "/a", select: "x" }, "select", "a function"],
    ["a queryKey that is not an array", { url: "/a", queryKey: "k" }, "queryKey", "an array"],
  ])("rejects %s, naming the option", (_why, options, argument, text) => {
    const error = rejection(() => checkViewOptions(options));
    expect(error.argument).toBe(argument);
    expect(error.message).toMatch(new RegExp(`^Invalid ${argument}: must be `));
    expect(error.message).toContain(text);
  });

  it.each<[string, ViewOptionsInput]>([
    ["nothing but a URL", { url: "/a" }],
    ["a disabled view", { url: null }],
    [
      "every option set",
      {
        url: "https://example.com/a",
        as: "bytes",
        live: "long-poll",
        throttle: 0,
        persist: "k",
        version: "2",
        pauseWhenHidden: false,
        reducer: () => 1,
        select: () => 1,
        queryKey: ["a", 1],
      },
    ],
    ["throttle frame", { url: "/a", throttle: "frame" }],
    ["throttle false", { url: "/a", throttle: false }],
  ])("accepts %s", (_why, options) => {
    expect(() => checkViewOptions(options)).not.toThrow();
  });
});

describe("checkRuntimeOptions", () => {
  it.each<[string, RuntimeOptionsInput, string]>([
    ["a negative grace period", { gracePeriodMs: -1 }, "gracePeriodMs"],
    ["a NaN grace period", { gracePeriodMs: Number.NaN }, "gracePeriodMs"],
    ["a string throttle", { throttle: "slow" }, "throttle"],
    ["a zero checkpoint interval", { checkpointIntervalMs: 0 }, "checkpointIntervalMs"],
    ["an infinite checkpoint interval", { checkpointIntervalMs: Infinity }, "checkpointIntervalMs"],
  ])("rejects %s", (_why, options, argument) => {
    expect(rejection(() => checkRuntimeOptions(options)).argument).toBe(argument);
  });

  it("accepts the defaults and the boundaries", () => {
    expect(() => checkRuntimeOptions({})).not.toThrow();
    expect(() =>
      checkRuntimeOptions({ gracePeriodMs: 0, throttle: 16, checkpointIntervalMs: 1 }),
    ).not.toThrow();
  });
});
