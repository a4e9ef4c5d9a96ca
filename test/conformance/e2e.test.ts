// @vitest-environment node
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { KNOWN_DEVIATIONS } from "../../conformance/runner/known-deviations.js";

const ROOT = resolve(import.meta.dirname, "../..");
const WRONG_ADAPTER = "test/conformance/fixtures/not-supported-adapter.mjs";

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the real CLI (`node --import tsx conformance/run.ts …`) from the repository root. */
function runCli(args: readonly string[]): Promise<CliRun> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ["--import", "tsx", "conformance/run.ts", ...args], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", fail);
    child.on("close", (code) => done({ code, stdout, stderr }));
  });
}

function lastLines(stdout: string, n: number): string[] {
  return stdout.trimEnd().split("\n").slice(-n);
}

describe("conformance runner end to end", () => {
  it("fails nearly every case with an adapter that supports nothing", async () => {
    const run = await runCli(["--adapter", WRONG_ADAPTER, "--timeout", "2000"]);
    expect(run.code).toBe(1);
    const [beforeLast, last] = lastLines(run.stdout, 2);
    const summary = /^(\d+) passed, (\d+) failed$/.exec(last ?? "");
    expect(summary, run.stdout).not.toBeNull();
    // Two cases are marked `skip` in the YAML; known deviations are counted apart.
    expect(beforeLast).toBe(`skipped: 2, known deviations: ${KNOWN_DEVIATIONS.size}`);
    const passed = Number(summary?.[1]);
    const failed = Number(summary?.[2]);
    // Every case needs the adapter to do something, so a strict runner fails
    // (nearly) all of them; the lenient upstream runner passes ~100.
    expect(failed).toBeGreaterThan(0.9 * (passed + failed));
    expect(passed + failed).toBeGreaterThan(200);
    expect(run.stdout).toMatch(
      /^FAIL {6}append-string \(\d+ ms\) — setup\[0\] create: command failed/m,
    );
    expect(run.stdout).toMatch(/Summary by suite:\n {2}producer/);
  });

  it("filters by suite and tag", async () => {
    const run = await runCli(["--adapter", WRONG_ADAPTER, "--suite", "lifecycle", "--tag", "eof"]);
    expect(run.code).toBe(1);
    expect(lastLines(run.stdout, 1)[0]).toBe("0 passed, 29 failed");
    expect(run.stdout).not.toMatch(/^ {2}(producer|consumer) /m);
  });

  it("treats a missing cases directory as a failure, not a skip", async () => {
    const run = await runCli(["--adapter", WRONG_ADAPTER, "--cases", "no/such/cases-dir"]);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toMatch(
      /ERROR: cannot load the conformance cases: cases directory not found: .*no\/such\/cases-dir/,
    );
  });

  it("exits non-zero when the adapter's init fails, forwarding its stderr", async () => {
    const run = await runCli(["--adapter", "test/conformance/fixtures/init-fails-adapter.mjs"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/ERROR: adapter init failed: INTERNAL_ERROR "no"/);
    expect(run.stderr).toContain("[client stderr] init refused on purpose");
  });

  it("exits non-zero when the adapter cannot be started", async () => {
    const run = await runCli(["--adapter", "test/conformance/fixtures/missing-adapter"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/ERROR: cannot start the adapter/);
  });
});
