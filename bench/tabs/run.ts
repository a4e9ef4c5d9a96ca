/**
 * `npm run bench:tabs`: how many live requests N tabs of one browser make
 * at the server, and how fast an append reaches every tab, with the React
 * provider's cross-tab sharing on (the default) and off (`?crossTab=0`).
 * See `--help`. Progress goes to stderr; the Markdown table to stdout.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { format } from "node:util";
import { chromium, type Browser, type BrowserContext } from "@playwright/test";
import { startDemo, type Demo } from "../../demo/server.js";
import { launchOptions } from "../../e2e/support/browser.js";
import { parseCli, USAGE, type CliOptions } from "./cli.js";
import { DemoApi } from "./demo-api.js";
import { describeConfig, measureRun, RENDER_TIMEOUT_MS, type RunConfig } from "./measure.js";
import { LIVE_SELECTOR } from "./probe.js";
import { quantile, renderReport, type RunOutcome } from "./report.js";

function progress(text: string): void {
  process.stderr.write(`[bench:tabs] ${text}\n`);
}

let stopping = false;

/**
 * The demo runs in this process, and the reference server and Vite log to
 * console.log/console.info: send those to stderr, so stdout holds only the
 * table. Like the demo's own entry point, drop the reference server's routine
 * `[info]` lines and, once stopping, the "Database is closed" errors of reads
 * whose tab had already gone.
 */
function keepStdoutForTheTable(): void {
  const { error } = console;
  const toStderr = (...args: unknown[]) => {
    if (typeof args[0] === "string" && args[0].startsWith("[info] ")) return;
    process.stderr.write(`${format(...args)}\n`);
  };
  console.log = toStderr;
  console.info = toStderr;
  console.error = (...args: unknown[]) => {
    if (stopping && typeof args[0] === "string" && args[0].startsWith("[error] Request error:"))
      return;
    error.apply(console, args);
  };
}

/**
 * Loads the generation page once before measuring, so that Vite has
 * transformed and pre-bundled everything (a dependency found late makes it
 * reload the page, which would disturb a measured run).
 */
async function warmUp(context: BrowserContext, api: DemoApi): Promise<void> {
  const id = `bench-tabs-warm-up-${Date.now().toString(36)}`;
  await api.createTextStream(`/streams/generations/${id}`);
  const page = await context.newPage();
  try {
    await page.goto(api.href(`/#/generate/${id}`));
    await page.waitForSelector(LIVE_SELECTOR, { timeout: 60_000 });
    await page.waitForTimeout(500);
  } finally {
    await page.close();
  }
}

function configs(options: CliOptions): RunConfig[] {
  return options.tabs.flatMap((tabs) =>
    [true, false].map((crossTab) => ({
      tabs,
      crossTab,
      appends: options.appends,
      intervalMs: options.intervalMs,
      sameWindow: options.sameWindow,
    })),
  );
}

async function runAll(context: BrowserContext, api: DemoApi, options: CliOptions) {
  const outcomes: RunOutcome[] = [];
  for (const config of configs(options)) {
    try {
      const result = await measureRun(context, api, config, progress);
      outcomes.push({ ok: true, result });
      const tabMedians = result.latencies.map((tab) => quantile(tab, 0.5).toFixed(0));
      progress(
        `${describeConfig(config)}: peak ${result.live.peak}, started ${result.live.started}, ` +
          `p50 ${quantile(result.latencies.flat(), 0.5).toFixed(1)} ms; ` +
          `per-tab p50 ms: ${tabMedians.join(" ")}; frames/s per tab: ${result.frameRates.join(" ")}`,
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      progress(`${describeConfig(config)}: FAILED: ${reason}`);
      outcomes.push({ ok: false, config, reason });
    }
  }
  return outcomes;
}

const load = () => loadavg()[0]!.toFixed(2);

function reportHeader(
  options: CliOptions,
  browser: Browser,
  demoUrl: string,
  seconds: number,
  loadBefore: string,
) {
  return [
    `## react-durable-streams cross-tab benchmark: N tabs of #/generate/<id> in one Chromium context`,
    "",
    options.sameWindow
      ? "Tabs: tabs of one window (--same-window; only the front tab gets full frame rate)."
      : "Tabs: one window per tab (noopener popups of one context), all visible.",
    "",
    `Chromium ${browser.version()} (headless), Node ${process.version}, ${process.platform} ` +
      `${process.arch}, ${cpus().length} CPUs; demo ${demoUrl} (loopback only, Vite dev mode); ` +
      `${options.appends} appends per run, one every ${options.intervalMs} ms` +
      `${options.quick ? " (--quick)" : ""}; ${seconds.toFixed(0)} s; ` +
      `load average (1 min) before/after ${loadBefore}/${load()}`,
  ];
}

const NOTES = [
  "live requests peak / started: the demo server's count of live GETs (`live=` in the query) of " +
    "the run's stream, from a reset once every tab showed status live until every tab had shown " +
    "every append. Peak is the most open at once (at least what was open at the reset); started " +
    "counts new ones (long-poll re-polls, reconnects).",
  "latency: Date.now() in Node just before each POST to the moment the tab's " +
    '[data-testid="generation-text"] first contains the message\'s marker, recorded in the page by ' +
    "a MutationObserver with performance.timeOrigin + performance.now() (DOM commit, not paint). " +
    "p50 and p95 over every tab and append; worst tab p50 is the largest per-tab median.",
  "With crossTab off the peak can stay below the tab count: every tab asks for the same " +
    "long-poll URL, and Chromium was seen to hold identical GETs of one context back while one " +
    "is in flight (5 tabs each issued one, the server saw 1 open), besides its limit of 6 " +
    "HTTP/1.1 connections per host.",
  `A run fails when a tab does not go live within 30 s or misses a message for ${RENDER_TIMEOUT_MS / 1000} s.`,
];

async function main(): Promise<number> {
  let options: CliOptions | undefined;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (error) {
    progress(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  keepStdoutForTheTable();
  const started = Date.now();
  const loadBefore = load();
  const dataDir = mkdtempSync(join(tmpdir(), "rds-bench-tabs-"));
  let demo: Demo | undefined;
  let browser: Browser | undefined;
  try {
    demo = await startDemo({ port: 0, dataDir, watch: false });
    progress(`demo ${demo.url} (data in ${dataDir})`);
    browser = await chromium.launch(launchOptions());
    // One context: its tabs share Web Locks, BroadcastChannel and IndexedDB, as tabs of one profile do.
    const context = await browser.newContext();
    context.on("weberror", (error) => progress(`page error: ${String(error.error())}`));
    const api = new DemoApi(demo.url);
    progress("warming up the demo page");
    await warmUp(context, api);
    const outcomes = await runAll(context, api, options);
    const header = reportHeader(
      options,
      browser,
      demo.url,
      (Date.now() - started) / 1000,
      loadBefore,
    );
    process.stdout.write(`${renderReport(outcomes, header, NOTES)}\n`);
    return outcomes.every((outcome) => outcome.ok) ? 0 : 1;
  } catch (error) {
    progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return 1;
  } finally {
    stopping = true;
    await browser
      ?.close()
      .catch((error: unknown) => progress(`closing Chromium: ${String(error)}`));
    await demo?.close().catch((error: unknown) => progress(`closing the demo: ${String(error)}`));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
