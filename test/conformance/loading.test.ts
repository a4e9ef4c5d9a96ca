// @vitest-environment node
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseArgs, UsageError } from "../../conformance/runner/cli-args.js";
import { missingFeatures, skipReason } from "../../conformance/runner/features.js";
import { CaseLoadError, filterCases, loadCases } from "../../conformance/runner/load-cases.js";
import { SHARED_CASES, withoutSharedCases } from "../support/conformance-cases.js";

const CASES = SHARED_CASES;
const defaults = { casesDir: "/default/cases", adapter: "/repo/conformance/adapter" };

describe("conformance CLI arguments", () => {
  it("uses the defaults", () => {
    expect(parseArgs([], defaults, "/cwd")).toMatchObject({
      suites: [],
      tags: [],
      failFast: false,
      timeoutMs: 30_000,
      casesDir: "/default/cases",
      adapter: "/repo/conformance/adapter",
      verbose: false,
    });
  });

  it("parses repeatable and comma-separated lists, and paths relative to cwd", () => {
    const o = parseArgs(
      [
        "--suite",
        "producer,consumer",
        "--suite=lifecycle",
        "--tag",
        "sse",
        "--tag=core,json",
        "--fail-fast",
      ].concat(["--timeout", "500", "--cases", "c", "--adapter=./a", "--verbose"]),
      defaults,
      "/cwd",
    );
    expect(o.suites).toEqual(["producer", "consumer", "lifecycle"]);
    expect(o.tags).toEqual(["sse", "core", "json"]);
    expect(o).toMatchObject({
      failFast: true,
      timeoutMs: 500,
      casesDir: "/cwd/c",
      adapter: "/cwd/a",
    });
  });

  it("rejects bad input", () => {
    expect(() => parseArgs(["--suite", "validation"], defaults, "/")).toThrow(UsageError);
    expect(() => parseArgs(["--timeout", "0"], defaults, "/")).toThrow(UsageError);
    expect(() => parseArgs(["--timeout"], defaults, "/")).toThrow(UsageError);
    expect(() => parseArgs(["--bogus"], defaults, "/")).toThrow(UsageError);
    expect(() => parseArgs(["--adapter", "ts"], defaults, "/")).toThrow(/not available/);
  });
});

describe("conformance case loading", () => {
  it.skipIf(withoutSharedCases)("loads all 234 cases with their categories", async () => {
    const cases = await loadCases(CASES);
    expect(cases).toHaveLength(234);
    const count = (suites: ("producer" | "consumer" | "lifecycle")[]) =>
      filterCases(cases, { suites, tags: [] }).length;
    expect([count(["producer"]), count(["consumer"]), count(["lifecycle"])]).toEqual([68, 108, 58]);
    const sse = filterCases(cases, { suites: [], tags: ["sse"] });
    expect(sse.every((c) => c.tags.includes("sse") || c.fileTags.includes("sse"))).toBe(true);
    expect(sse.length).toBeGreaterThan(26);
  });

  it("fails (never skips) on a missing directory, an empty one or a malformed file", async () => {
    await expect(loadCases("/definitely/not/here")).rejects.toThrow(CaseLoadError);
    const dir = await mkdtemp(join(tmpdir(), "cases-"));
    try {
      await expect(loadCases(dir)).rejects.toThrow(/no YAML/);
      await writeFile(join(dir, "a.yaml"), "id: a\ncategory: validation\ntests: []\n");
      await expect(loadCases(dir)).rejects.toThrow(/unknown category/);
      await writeFile(
        join(dir, "a.yaml"),
        "id: a\ncategory: producer\ntests:\n  - id: x\n    opertions: []\n",
      );
      await expect(loadCases(dir)).rejects.toThrow(/unknown key "opertions"/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("feature-based skipping", () => {
  it("maps YAML names to init features; unknown names are missing", () => {
    const features = { longPoll: true, dynamicHeaders: true, sse: false, retryOptions: 1 };
    expect(
      missingFeatures(["long-poll", "longPoll", "dynamic-headers", "retry-options"], features),
    ).toEqual([]);
    expect(missingFeatures(["sse", "json", "batching"], features)).toEqual([
      "sse",
      "json",
      "batching",
    ]);
    expect(missingFeatures(["sse"], undefined)).toEqual(["sse"]);
  });

  it.skipIf(withoutSharedCases)(
    "skips on YAML skip marks and on file- or test-level requirements",
    async () => {
      const cases = await loadCases(CASES);
      const byId = (id: string) => {
        const c = cases.find((x) => x.id === id);
        if (!c) throw new Error(id);
        return c;
      };
      const all = { sse: true, longPoll: true, auto: true, batching: true };
      expect(skipReason(byId("sse-base64-data-integrity-multiline"), all)).toMatch(/^skip: Swift/);
      expect(skipReason(byId("sse-base64-basic"), {})).toBe("requires sse");
      expect(skipReason(byId("sse-base64-basic"), all)).toBeUndefined();
      expect(skipReason(byId("longpoll-nonexistent"), { sse: true })).toBe("requires long-poll");
      expect(skipReason(byId("append-string"), {})).toBeUndefined();
    },
  );
});
