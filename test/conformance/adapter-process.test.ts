// @vitest-environment node
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { AdapterProcess, AdapterStartError } from "../../conformance/runner/adapter-process.js";

const FIXTURES = resolve(import.meta.dirname, "fixtures");

describe("adapter process protocol", () => {
  it("matches answers by position, times out, drops late lines, reports parse errors and exits", async () => {
    const logs: string[] = [];
    const adapter = await AdapterProcess.start(resolve(FIXTURES, "quirky-adapter.mjs"), {
      stderr: (t) => logs.push(t),
    });
    // U+2028/U+2029 travel escaped and come back intact.
    const echo = await adapter.send({ type: "echo", data: "a\u2028b\u2029c" }, 2000);
    expect(echo).toEqual({
      ok: true,
      result: { type: "echo", success: true, echo: { type: "echo", data: "a\u2028b\u2029c" } },
    });

    expect(await adapter.send({ type: "slow" }, 50)).toEqual({
      ok: false,
      error: "Command timed out after 50ms: slow",
    });
    // The late answer to "slow" arrives while nothing waits and is dropped.
    await new Promise((r) => setTimeout(r, 400));
    expect(await adapter.send({ type: "next" }, 2000)).toMatchObject({
      ok: true,
      result: { type: "next" },
    });

    const garbage = await adapter.send({ type: "garbage" }, 2000);
    expect(garbage.ok ? "" : garbage.error).toMatch(/^Failed to parse client response: /);

    expect(await adapter.send({ type: "log" }, 2000)).toMatchObject({ ok: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(logs.join("")).toContain("[client stderr] hello from the adapter\n");

    expect(await adapter.send({ type: "exit" }, 2000)).toEqual({
      ok: false,
      error: "Client adapter exited with code 3",
    });
    // Later commands fail at once instead of waiting for their timeout.
    expect(await adapter.send({ type: "after" }, 60_000)).toEqual({
      ok: false,
      error: "Client adapter exited with code 3",
    });
    await adapter.close(true);
  });

  it("refuses a missing or non-executable adapter", async () => {
    await expect(AdapterProcess.start(resolve(FIXTURES, "nope"))).rejects.toThrow(
      AdapterStartError,
    );
    await expect(AdapterProcess.start(resolve(import.meta.dirname, "e2e.test.ts"))).rejects.toThrow(
      /not executable/,
    );
  });
});
