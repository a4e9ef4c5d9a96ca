import type { Browser, Page } from "@playwright/test";
import type { DurableStreamClient } from "../../../src/client/index.js";
import type { Origin } from "../origin-server.js";
import { expectedText } from "../protocol.js";
import { BenchContent } from "./content.js";
import { heapAfterGc, pageState, reached } from "./measure.js";
import { benchMessage, type LongView } from "./protocol.js";
import { steadyWindow, type WindowResult } from "./steady.js";
import { longVerdicts, type Verdict } from "./verdicts.js";
import { IdempotentProducer } from "../../../src/client/index.js";

/** How long a stream grows and how fast, for one kind of view. */
export interface LongPlan {
  /** What the view holds at the first window (characters or messages). */
  startLength: number;
  /** What it holds at the second. */
  endLength: number;
  /** Tokens or messages per second during the windows. */
  rate: number;
  /** Length of each window. */
  seconds: number;
}

export interface LongVariant {
  label: string;
  view: LongView;
  plan: LongPlan;
}

export interface LongResult {
  label: string;
  view: LongView;
  contentBytes: number;
  heapBytes: number;
  start: WindowResult;
  end: WindowResult;
  verdicts: Verdict[];
  /** Problems that make the row wrong: a page error, a view that fell behind, a wrong text. */
  failures: string[];
}

export interface LongSetup {
  browser: Browser;
  origin: Origin;
  client: DurableStreamClient;
}

const FILL_TIMEOUT_MS = 120_000;

/**
 * One variant: a fresh stream and context, the page live on the empty
 * stream (the heap's baseline), a quick fill to the start length, a steady
 * window, a quick fill to the end length, a second window, then the heap
 * after GC and a check that the page shows exactly what was written.
 */
export async function runLongVariant(setup: LongSetup, variant: LongVariant): Promise<LongResult> {
  const { browser, origin, client } = setup;
  const path = `/streams/render-bench/long-${variant.view}-${process.pid}-${Date.now().toString(36)}`;
  const stream = client.stream(path);
  const content = new BenchContent(stream, variant.view);
  await stream.create({ contentType: content.contentType });
  const failures: string[] = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const producer = new IdempotentProducer(stream, `long-bench-${variant.view}`, { lingerMs: 5 });
  producer.on("error", (error) => failures.push(`producer error: ${error.message}`));
  try {
    const page = await context.newPage();
    page.on("pageerror", (error) => failures.push(`page error: ${error.message}`));
    const query = new URLSearchParams({ stream: path, view: variant.view });
    await page.goto(`${origin.url}/?${query.toString()}`);
    await page.waitForFunction(() => window.__longBench?.state().status === "live", undefined, {
      timeout: 15_000,
      polling: 50,
    });
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    const baseline = await heapAfterGc(cdp);

    const windowAt = async (length: number): Promise<WindowResult> => {
      await content.fillTo(length);
      if (!(await reached(page, content.length, FILL_TIMEOUT_MS))) {
        failures.push(`the view did not show ${content.length} within ${FILL_TIMEOUT_MS} ms`);
      }
      const result = await steadyWindow(page, cdp, content, producer, variant.plan);
      if (!result.caughtUp) failures.push(`fell behind in the window at ${length}`);
      return result;
    };
    const start = await windowAt(variant.plan.startLength);
    const end = await windowAt(variant.plan.endLength);
    const heapBytes = (await heapAfterGc(cdp)) - baseline;

    failures.push(...(await checkShown(page, content, variant.view)));
    const figures = { view: variant.view, heapBytes, contentBytes: content.bytes, start, end };
    return { label: variant.label, ...figures, verdicts: longVerdicts(figures), failures };
  } finally {
    await producer.detach().catch(() => undefined);
    await context.close();
    await stream.delete().catch(() => undefined);
  }
}

/** What the page shows must be exactly what was written. */
async function checkShown(page: Page, content: BenchContent, view: LongView): Promise<string[]> {
  const state = await pageState(page);
  const shown = await page.evaluate(() => window.__longBench?.shown());
  if (!shown) return ["the page has no window.__longBench"];
  const problems: string[] = [];
  if (state.length !== content.length) {
    problems.push(`the hook holds ${state.length}, ${content.length} were written`);
  }
  const last = benchMessage(content.count - 1).text;
  if (view === "list") {
    if (shown.rows !== content.count)
      problems.push(`${shown.rows} rows for ${content.count} messages`);
    if (shown.lastRow !== last) problems.push(`last row "${shown.lastRow}", expected "${last}"`);
  } else if (view === "virtual-list") {
    if (shown.rows === 0 || shown.rows > 200) problems.push(`${shown.rows} rows rendered`);
    if (shown.lastRow !== last) problems.push(`last row "${shown.lastRow}", expected "${last}"`);
  } else if (shown.text !== expectedText(content.count)) {
    problems.push(`the text on screen (${shown.text.length} chars) differs from what was written`);
  }
  return problems;
}
