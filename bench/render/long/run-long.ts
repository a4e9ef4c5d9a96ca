import { availableParallelism, loadavg } from "node:os";
import { withBenchSite } from "../bench-site.js";
import { formatLongTable, formatLongVerdicts } from "./table.js";
import { runLongVariant, type LongPlan, type LongResult, type LongVariant } from "./variant.js";

/** Text: 100 KB, then 2 MB, at 500 tokens/s (about 3 KB/s). */
const TEXT_PLAN = { startLength: 100_000, endLength: 2_000_000, rate: 500 };
/** Lists: 1,000 messages (about 100 KB), then 20,000 (about 2 MB), at 50 messages/s. */
const LIST_PLAN = { startLength: 1_000, endLength: 20_000, rate: 50 };

function variants(seconds: number): LongVariant[] {
  const text: LongPlan = { ...TEXT_PLAN, seconds };
  const list: LongPlan = { ...LIST_PLAN, seconds };
  return [
    { label: "<StreamText> (pre-wrap)", view: "text-default", plan: text },
    { label: "<StreamText> (white-space: normal)", view: "text-normal", plan: text },
    { label: "<StreamText blocks>", view: "text-blocks", plan: text },
    { label: "<StreamText blocks={false}>", view: "text-single", plan: text },
    { label: "<StreamList>", view: "list", plan: list },
    { label: "<VirtualStreamList>", view: "virtual-list", plan: list },
  ];
}

function progress(message: string): void {
  process.stderr.write(`[bench:render --long] ${message}\n`);
}

/**
 * The long-stream bench (`npm run bench:render -- --long [--seconds 60]`):
 * per variant, a stream filled quickly to its start length, a steady window,
 * filled again to its end length, a second window; heap after GC over the
 * empty page, main-thread time, per-commit layout and script, renders per
 * second. Prints one table and a PASS/FAIL line per bound; exits 1 on a FAIL.
 */
export async function runLongBench(options: { seconds: number; only?: string }): Promise<void> {
  const loadBefore = loadavg()[0] ?? 0;
  const results = await withBenchSite(progress, async ({ browser, origin, client }) => {
    const done: LongResult[] = [];
    for (const variant of variants(options.seconds)) {
      if (options.only && !variant.view.startsWith(options.only)) continue;
      progress(`${variant.label}: windows of ${options.seconds} s`);
      done.push(await runLongVariant({ browser, origin, client }, variant));
    }
    return done;
  });
  console.log(formatLongTable(results));
  console.log(
    `\ntext: ${TEXT_PLAN.rate} tokens/s; lists: ${LIST_PLAN.rate} messages/s; ` +
      `windows of ${options.seconds} s; heap over the page live on the empty stream; ` +
      `load average (1 min) before/after ${loadBefore.toFixed(1)} / ${(loadavg()[0] ?? 0).toFixed(1)} ` +
      `on ${availableParallelism()} CPUs`,
  );
  const verdicts = formatLongVerdicts(results);
  console.log(`\n${verdicts}`);
  if (verdicts.includes("FAIL ")) process.exitCode = 1;
}
