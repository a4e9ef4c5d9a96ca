/**
 * Conformance runner CLI: `npx tsx conformance/run.ts [options]`
 * (or `npm run conformance -- [options]`; `--help` lists the options).
 *
 * Runs the YAML cases of `../shared/conformance/cases` through the adapter
 * (`conformance/adapter` by default) against the in-process reference server
 * and judges every result strictly. Exit status: 0 when no case failed, 1 on
 * any failure (also when the adapter cannot start or init), 2 when the run
 * could not start (bad arguments, missing or invalid cases directory). Without
 * `../shared` (a plain clone) the default cases are skipped with a note,
 * except under CI (the `CI` environment variable), where they are required.
 */
import { fileURLToPath } from "node:url";
import { benchMain } from "./runner/bench-main.js";
import { isBenchMode } from "./runner/cli-args.js";
import { main, type RunIo } from "./runner/main.js";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const argv = process.argv.slice(2);
const io: RunIo = {
  out: (line) => void process.stdout.write(`${line}\n`),
  err: (text) => void process.stderr.write(text),
  cwd: process.cwd(),
  // CI always has ../shared beside the checkout: there a missing cases folder fails the run.
  requireDefaultCases: !!process.env.CI,
};

// `--bench`: benchmark mode (ADAPTER.md §10, `--bench --help`).
const code = isBenchMode(argv)
  ? await benchMain(argv, io, repoRoot)
  : await main(argv, io, repoRoot);
process.exitCode = code;
// Do not let a stray handle (e.g. a keep-alive socket) hold the process open.
setTimeout(() => process.exit(code), 2_000).unref();
