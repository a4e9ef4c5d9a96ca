// @vitest-environment node
import { describe, expect, it } from "vitest";
import { KNOWN_DEVIATIONS } from "../../conformance/runner/known-deviations.js";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../../conformance/runner/main.js";
import { runConformanceCli } from "../support/cli.js";
import { withoutSharedCases } from "../support/conformance-cases.js";

const WRONG_ADAPTER = "test/conformance/fixtures/not-supported-adapter.mjs";

const runCli = (args: readonly string[]) => runConformanceCli(args);

function lastLines(stdout: string, n: number): string[] {
  return stdout.trimEnd().split("\n").slice(-n);
}

describe("conformance runner end to end", () => {
  it.skipIf(withoutSharedCases)(
    "fails nearly every case with an adapter that supports nothing",
    async () => {
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
    },
  );

  it.skipIf(withoutSharedCases)("filters by suite and tag", async () => {
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

  it("skips the default cases with a note on a clone without ../shared, except under CI", async () => {
    // A repository root with no ../shared beside it.
    const root = join(await mkdtemp(join(tmpdir(), "rds-no-shared-")), "repo");
    const lines: string[] = [];
    const io = { out: (line: string) => void lines.push(line), err: () => undefined, cwd: root };
    expect(await main([], io, root)).toBe(0);
    expect(lines.join("\n")).toMatch(
      /^SKIP: no conformance cases at .*shared\/conformance\/cases/m,
    );
    lines.length = 0;
    expect(await main([], { ...io, requireDefaultCases: true }, root)).not.toBe(0);
    expect(lines.join("\n")).toMatch(
      /ERROR: cannot load the conformance cases: cases directory not found/,
    );
  });

  it.skipIf(withoutSharedCases)(
    "exits non-zero when the adapter's init fails, forwarding its stderr",
    async () => {
      const run = await runCli(["--adapter", "test/conformance/fixtures/init-fails-adapter.mjs"]);
      expect(run.code).toBe(1);
      expect(run.stdout).toMatch(/ERROR: adapter init failed: INTERNAL_ERROR "no"/);
      expect(run.stderr).toContain("[client stderr] init refused on purpose");
    },
  );

  it.skipIf(withoutSharedCases)("exits non-zero when the adapter cannot be started", async () => {
    const run = await runCli(["--adapter", "test/conformance/fixtures/missing-adapter"]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/ERROR: cannot start the adapter/);
  });
});
