import { describe, expect, it } from "vitest";
import { checkBudgets, parseBudgets } from "../../bench/bundle/budget.js";
import { formatTable } from "../../bench/bundle/table.js";

describe("checkBudgets", () => {
  it("passes sizes under or at their budget", () => {
    const report = checkBudgets(
      [
        { name: "client-read", gzipBytes: 9_000 },
        { name: "react-app", gzipBytes: 12_000 },
      ],
      { "client-read": 10_000, "react-app": 12_000 },
    );
    expect(report.failures).toEqual([]);
    expect(report.verdicts.map((v) => v.status)).toEqual(["ok", "ok"]);
  });

  it("fails a size over its budget, naming the consumer, its size and its budget", () => {
    const report = checkBudgets([{ name: "client-read", gzipBytes: 10_001 }], {
      "client-read": 10_000,
    });
    expect(report.verdicts).toEqual([
      { name: "client-read", gzipBytes: 10_001, budget: 10_000, status: "over" },
    ]);
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toContain("client-read");
    expect(report.failures[0]).toContain("10001 B");
    expect(report.failures[0]).toContain("10000 B");
  });

  it("treats a consumer without a budget entry as an error", () => {
    const report = checkBudgets([{ name: "client-producer", gzipBytes: 9_000 }], {});
    expect(report.verdicts[0]?.status).toBe("missing");
    expect(report.verdicts[0]?.budget).toBeUndefined();
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toContain("client-producer");
    expect(report.failures[0]).toContain("no budget");
  });

  it("does not take a budget from Object.prototype", () => {
    const report = checkBudgets([{ name: "toString", gzipBytes: 1 }], {});
    expect(report.verdicts[0]?.status).toBe("missing");
  });

  it("treats a budget naming no consumer as an error", () => {
    const report = checkBudgets([{ name: "client-read", gzipBytes: 1 }], {
      "client-read": 10,
      "client-raed": 10,
    });
    expect(report.failures).toEqual([expect.stringContaining('"client-raed"')]);
  });
});

describe("parseBudgets", () => {
  it("accepts an object of positive integers", () => {
    expect(parseBudgets({ "client-read": 14_400 })).toEqual({ "client-read": 14_400 });
  });

  it.each([[null], [[]], [{ a: 0 }], [{ a: 1.5 }], [{ a: "100" }]])("rejects %j", (value) => {
    expect(() => parseBudgets(value)).toThrow(/budget\.json/);
  });
});

describe("formatTable", () => {
  it("prints the ratio to upstream and a dash where there is none", () => {
    const table = formatTable([
      {
        name: "client-read",
        minBytes: 30_000,
        gzipBytes: 10_000,
        upstreamGzipBytes: 8_000,
        budget: 11_000,
        status: "ok",
      },
      {
        name: "react-app",
        minBytes: 50_000,
        gzipBytes: 16_000,
        upstreamGzipBytes: undefined,
        budget: 15_000,
        status: "over",
      },
    ]);
    const cells = table.split("\n").map((line) =>
      line
        .split("|")
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
    expect(cells[0]).toEqual([
      "consumer",
      "ours min",
      "ours gzip",
      "upstream gzip",
      "ratio",
      "budget (gzip)",
      "status",
    ]);
    expect(cells[2]).toEqual([
      "client-read",
      "30,000 B",
      "10,000 B",
      "8,000 B",
      "1.25x",
      "11,000 B",
      "ok",
    ]);
    expect(cells[3]).toEqual(["react-app", "50,000 B", "16,000 B", "-", "-", "15,000 B", "OVER"]);
  });
});
