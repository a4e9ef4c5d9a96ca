/**
 * Render cost of a live token stream in real Chromium (production React build).
 *
 *   npm run bench:render -- [--seconds 10] [--rate 5000] [--json]
 *
 * Node writes `rate` tokens per second for `seconds` through the producer to
 * the reference server; a page on the same loopback origin reads the stream
 * with `useDurableStream` (as text) and `<StreamText>`, once with the default
 * `throttle: "frame"`, once with `throttle: false` as the reference, and once
 * with `<StreamText blocks>` (the text laid out in blocks of lines). The
 * page counts commits, long tasks and frame gaps; the final text on screen
 * must equal what was written, or the run fails.
 *
 * `--long` runs the long-stream bench instead (long/run-long.ts).
 */
import { availableParallelism, loadavg } from "node:os";
import { withBenchSite } from "./bench-site.js";
import { parseOptions, USAGE, type BenchOptions } from "./options.js";
import { runLongBench } from "./long/run-long.js";
import { formatNotes, formatTable } from "./table.js";
import { runVariant, type Variant, type VariantResult } from "./variant.js";

const VARIANTS: readonly Variant[] = [
  { label: 'throttle: "frame" (defaults)', throttle: "frame", blocks: "auto" },
  { label: "throttle: false", throttle: "false", blocks: "auto" },
  { label: 'throttle: "frame", blocks={false}', throttle: "frame", blocks: false },
  { label: 'throttle: "frame", blocks', throttle: "frame", blocks: true },
];

/** Bursts every 4 ms: small and frequent, like tokens leaving a model server. */
const BURST_EVERY_MS = 4;

/** Progress goes to stderr, so `--json` leaves stdout to the results. */
function progress(message: string): void {
  process.stderr.write(`[bench:render] ${message}\n`);
}

async function bench(options: BenchOptions): Promise<VariantResult[]> {
  return withBenchSite(progress, async ({ browser, origin, client }) => {
    const pace = { rate: options.rate, seconds: options.seconds, burstEveryMs: BURST_EVERY_MS };
    const results: VariantResult[] = [];
    for (const variant of VARIANTS) {
      progress(`${variant.label}: ${options.rate} tokens/s for ${options.seconds} s`);
      results.push(await runVariant({ browser, origin, client, pace }, variant));
    }
    return results;
  });
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  if (options === "help") {
    console.log(USAGE);
    return;
  }
  if (options.long) {
    await runLongBench(options);
    return;
  }
  const loadBefore = loadavg()[0] ?? 0;
  const results = await bench(options);
  const load = `${loadBefore.toFixed(1)} / ${(loadavg()[0] ?? 0).toFixed(1)} on ${availableParallelism()} CPUs`;
  if (options.json) {
    console.log(JSON.stringify({ options, load, results }, null, 2));
  } else {
    console.log(formatTable(results));
    console.log(`\n${formatNotes(results, load)}`);
  }
  const failures = results.flatMap((result) =>
    result.failures.map((failure) => `${result.variant}: ${failure}`),
  );
  if (failures.length > 0) {
    console.error(`\nFAILED\n  ${failures.join("\n  ")}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error("[bench:render] failed:", error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
