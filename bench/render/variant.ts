import { setTimeout as sleep } from "node:timers/promises";
import type { Browser, CDPSession, Page } from "@playwright/test";
import type { DurableStreamClient } from "../../src/client/index.js";
import type { Origin } from "./origin-server.js";
import { checkTokens, type TokenCheck } from "./check.js";
import { epochNow, type PageResult, type ThrottleParam } from "./protocol.js";
import { writeTokens, type Pace, type WriteResult } from "./writer.js";
import { IdempotentProducer } from "../../src/client/index.js";

/** One row of the benchmark: a render throttle. */
export interface Variant {
  label: string;
  throttle: ThrottleParam;
  /** `<StreamText blocks>`: `"auto"` is the default. */
  blocks: "auto" | boolean;
}

/** Everything measured for one variant. */
export interface VariantResult {
  variant: string;
  rendersPerSecond: number;
  tokensWritten: number;
  /** Missing plus duplicated tokens in the final text on screen. */
  tokensLost: number;
  check: TokenCheck;
  longestTaskMs: number;
  longTasks: number;
  longestFrameGapMs: number;
  /** Last `append()` to the first frame presented after the final token's commit. */
  tailLatencyMs: number | undefined;
  /** Last `append()` to the final token's commit. */
  tailCommitLatencyMs: number | undefined;
  /** The final commit ran inside an animation frame (the `"frame"` throttle's path). */
  lastCommitInFrame: boolean | undefined;
  /** Last `append()` to the server's acknowledgement of every token. */
  flushMs: number;
  commits: number;
  textUpdates: number;
  frames: number;
  streamingSeconds: number;
  writer: { longestBurstGapMs: number; seconds: number };
  /** Stream GETs (long-polls) the page made while tokens were written and shown. */
  reads: number;
  /** How far the page's clock may be from Node's: bounds the error of the latencies. */
  clockUncertaintyMs: number;
  /** The renderer's main-thread time from the first append until the final token was shown. */
  mainThread: MainThreadTime;
  /** Problems that make the row wrong: lost tokens, a page error, a run that never finished. */
  failures: string[];
}

/** Chromium's own accounting of main-thread time (CDP `Performance.getMetrics`), in ms. */
export interface MainThreadTime {
  /** Every task. */
  taskMs: number;
  /** JavaScript (React, the client, the probe). */
  scriptMs: number;
  /** Layout (text shaping and line breaking are most of it here). */
  layoutMs: number;
  /** Style recalculation. */
  styleMs: number;
}

/** Where the variant runs. */
export interface Setup {
  browser: Browser;
  /** The page's origin. */
  origin: Origin;
  /** A client on the reference server itself, for creating the stream and writing. */
  client: DurableStreamClient;
  pace: Pace;
}

/** How long the page may take to show the final token after the last append. */
const FINISH_TIMEOUT_MS = 20_000;

/**
 * Runs one variant: a fresh stream and a fresh browser context, the page
 * live on the empty stream, then the paced writer; collects the page's
 * measurements once the final token is on screen.
 */
export async function runVariant(setup: Setup, variant: Variant): Promise<VariantResult> {
  const { browser, origin, client, pace } = setup;
  const name = `${variant.throttle}-blocks-${variant.blocks}`;
  const path = `/streams/render-bench/${name}-${process.pid}-${Date.now().toString(36)}`;
  const stream = await client.createStream(path, { contentType: "text/plain" });
  const failures: string[] = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    page.on("pageerror", (error) => failures.push(`page error: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") failures.push(`console error: ${message.text()}`);
    });
    const tokens = Math.round(pace.rate * pace.seconds);
    const query = new URLSearchParams({
      stream: path,
      throttle: variant.throttle,
      tokens: `${tokens}`,
      blocks: `${variant.blocks}`,
    });
    await page.goto(`${origin.url}/?${query.toString()}`);
    // Not measured yet, so polling is fine here.
    await page.waitForFunction(() => window.__renderBench?.status() === "live", undefined, {
      timeout: 15_000,
      polling: 50,
    });
    const clockUncertaintyMs = await clockUncertainty(page);
    const readsBefore = origin.reads(path);
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    const metricsBefore = await mainThreadTime(cdp);
    await page.evaluate(() => window.__renderBench?.start());

    const producer = new IdempotentProducer(stream, `render-bench-${name}`);
    producer.on("error", (error) => failures.push(`producer error: ${error.message}`));
    const write = await writeTokens(producer, pace);
    await producer.detach();

    const finished = await page.evaluate(
      (timeoutMs) => window.__renderBench?.finished(timeoutMs) ?? false,
      FINISH_TIMEOUT_MS,
    );
    if (!finished) {
      failures.push(`final token not on screen ${FINISH_TIMEOUT_MS} ms after the last append`);
    }
    const metricsAfter = await mainThreadTime(cdp);
    const mainThread: MainThreadTime = {
      taskMs: metricsAfter.taskMs - metricsBefore.taskMs,
      scriptMs: metricsAfter.scriptMs - metricsBefore.scriptMs,
      layoutMs: metricsAfter.layoutMs - metricsBefore.layoutMs,
      styleMs: metricsAfter.styleMs - metricsBefore.styleMs,
    };
    // Long-task entries reach the observer a little after the task ended.
    await sleep(300);
    const result = present(await page.evaluate(() => window.__renderBench?.snapshot()));
    const reads = origin.reads(path) - readsBefore;
    return summarize(variant, write, result, { clockUncertaintyMs, reads, mainThread }, failures);
  } finally {
    await context.close();
    await stream.delete().catch(() => undefined);
  }
}

/** The renderer's cumulative main-thread durations so far. */
export async function mainThreadTime(cdp: CDPSession): Promise<MainThreadTime> {
  const { metrics } = await cdp.send("Performance.getMetrics");
  const seconds = (name: string) => metrics.find((metric) => metric.name === name)?.value ?? 0;
  return {
    taskMs: seconds("TaskDuration") * 1000,
    scriptMs: seconds("ScriptDuration") * 1000,
    layoutMs: seconds("LayoutDuration") * 1000,
    styleMs: seconds("RecalcStyleDuration") * 1000,
  };
}

/** The page's answer; undefined means the page lost its bench handle (it reloaded or crashed). */
function present<T>(value: T | undefined): T {
  if (value === undefined) throw new Error("the bench page has no window.__renderBench");
  return value;
}

/**
 * Latencies subtract a page time from a Node time. Both are epoch clocks on
 * one machine; the page's reading must fall between two Node readings taken
 * around it, and the width of that window bounds the error.
 */
async function clockUncertainty(page: Page): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < 5; i++) {
    const before = epochNow();
    const inPage = present(await page.evaluate(() => window.__renderBench?.now()));
    const after = epochNow();
    const outside = Math.max(0, before - inPage, inPage - after);
    best = Math.min(best, outside + (after - before));
  }
  return best;
}

function summarize(
  variant: Variant,
  write: WriteResult,
  page: PageResult,
  {
    clockUncertaintyMs,
    reads,
    mainThread,
  }: { clockUncertaintyMs: number; reads: number; mainThread: MainThreadTime },
  failures: string[],
): VariantResult {
  const check = checkTokens(page.text, write.written);
  const tokensLost = check.missing + check.duplicated;
  if (tokensLost > 0 || check.foreign > 0 || !check.exact) {
    failures.push(
      `text on screen differs from what was written: ${check.missing} missing, ` +
        `${check.duplicated} duplicated, ${check.foreign} foreign pieces, exact: ${check.exact}`,
    );
  }
  if (page.hookDataLength !== page.text.length) {
    failures.push(
      `hook data has ${page.hookDataLength} characters, the screen ${page.text.length}`,
    );
  }
  if (page.visibility !== "visible") failures.push(`page visibility was ${page.visibility}`);
  const first = page.firstTokenCommitAt;
  const last = page.lastTokenCommitAt;
  const streamingSeconds = first !== undefined && last !== undefined ? (last - first) / 1000 : 0;
  return {
    variant: variant.label,
    rendersPerSecond: streamingSeconds > 0 ? page.streamingCommits / streamingSeconds : 0,
    tokensWritten: write.written,
    tokensLost,
    check,
    longestTaskMs: page.longestTaskMs,
    longTasks: page.longTasks,
    longestFrameGapMs: page.longestFrameGapMs,
    tailLatencyMs:
      page.lastTokenPaintAt === undefined ? undefined : page.lastTokenPaintAt - write.lastAppendAt,
    tailCommitLatencyMs: last === undefined ? undefined : last - write.lastAppendAt,
    lastCommitInFrame: page.lastTokenCommitInFrame,
    flushMs: write.flushedAt - write.lastAppendAt,
    commits: page.commits,
    textUpdates: page.textUpdates,
    frames: page.frames,
    streamingSeconds,
    writer: {
      longestBurstGapMs: write.longestBurstGapMs,
      seconds: (write.lastAppendAt - write.startedAt) / 1000,
    },
    clockUncertaintyMs,
    reads,
    mainThread,
    failures,
  };
}
