/**
 * Cross-tab sharing in real Chromium tabs (pages of one browser context
 * share Web Locks, BroadcastChannel and IndexedDB, as tabs of one profile
 * do), on the demo's generation page. Live requests are counted at the demo
 * server (`/api/live-requests`) and, per tab, in the browser's request log.
 */
import type { BrowserContext, Page } from "@playwright/test";
import { tokenAt } from "../demo/server/generations";
import {
  expect,
  expectTokens,
  setPageHidden,
  statusBadge,
  test,
  textDifference,
  type Demo,
} from "./support/fixtures";
import { RequestLog } from "./support/requests";
import { appendToStream, closeStream, createStream, runId } from "./support/streams-admin";

interface LiveCount {
  open: number;
  peak: number;
  started: number;
}

async function liveCount(demo: Demo, path: string): Promise<LiveCount> {
  const response = await fetch(demo.href(`/api/live-requests?path=${encodeURIComponent(path)}`));
  expect(response.status).toBe(200);
  return (await response.json()) as LiveCount;
}

async function resetLiveCount(demo: Demo, path: string): Promise<void> {
  const url = demo.href(`/api/live-requests?path=${encodeURIComponent(path)}`);
  expect((await fetch(url, { method: "POST" })).status).toBe(200);
}

const shownText = async (page: Page) =>
  (await page.getByTestId("generation-text").textContent()) ?? "";

/**
 * A text stream under /streams/generations/ (so the generation page shows
 * it) that the test writes: tokens like a generation's, one every
 * `intervalMs` until `finish()` closes it. The test decides when the
 * stream ends, however slowly a loaded machine opens tabs.
 */
interface TokenStream {
  readonly id: string;
  readonly path: string;
  /** Tokens written so far. */
  written(): number;
  /** Stops writing and closes the stream; resolves with the number of tokens written. */
  finish(): Promise<number>;
}

async function tokenStream(demo: Demo, intervalMs = 40): Promise<TokenStream> {
  const id = `tabs-${runId()}`;
  const path = `/streams/generations/${id}`;
  await createStream(demo, path, "text/plain");
  let count = 0;
  let stopping = false;
  const writing = (async () => {
    while (!stopping) {
      await appendToStream(demo, path, "text/plain", tokenAt(count));
      count++;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  return {
    id,
    path,
    written: () => count,
    async finish() {
      stopping = true;
      await writing;
      await closeStream(demo, path);
      return count;
    },
  };
}

/** Writes until at least `tokens` more are in, then resolves. */
async function writtenMore(stream: TokenStream, tokens: number): Promise<void> {
  const target = stream.written() + tokens;
  await expect.poll(() => stream.written(), { timeout: 30_000 }).toBeGreaterThanOrEqual(target);
}

/** Opens the stream's generation page in a new tab and waits until it shows it. */
async function openTab(
  context: BrowserContext,
  demo: Demo,
  stream: TokenStream,
  log: RequestLog,
  query = "",
): Promise<Page> {
  const page = await context.newPage();
  log.attach(page);
  await page.goto(demo.href(`/${query}#/generate/${stream.id}`));
  await expect(page.getByTestId("generation-status")).toBeVisible({ timeout: 20_000 });
  return page;
}

/**
 * The tab leading now: the one that made the latest live request (at tens of
 * tokens per second each long-poll is answered at once, so one is seldom
 * open at the moment of looking).
 */
async function leaderOf(pages: readonly Page[], log: RequestLog): Promise<Page> {
  const since = Date.now();
  const latest = () => log.entries.findLast((e) => e.live !== null && e.startedAt >= since);
  await expect
    .poll(latest, { message: "a live request after this moment", timeout: 10_000 })
    .toBeDefined();
  const index = latest()!.pageIndex;
  const page = pages.find((candidate) => log.pageIndexOf(candidate) === index);
  expect(page, "the live request's tab is one of the open tabs").toBeDefined();
  return page!;
}

/** Closes the stream; every tab then ends closed, showing exactly the server's stream. */
async function expectAllExact(
  demo: Demo,
  stream: TokenStream,
  pages: readonly Page[],
): Promise<void> {
  const tokens = await stream.finish();
  const server = await demo.streamText(stream.path);
  expectTokens(server, tokens, "the server's stream");
  for (const [i, page] of pages.entries()) {
    await expect(statusBadge(page, "generation-status")).toHaveAttribute("data-status", "closed", {
      timeout: 20_000,
    });
    await expect
      .poll(async () => textDifference(await shownText(page), server), {
        message: `tab ${i} shows exactly the server's stream`,
      })
      .toBeNull();
  }
}

/** `count` tabs on the stream, opened one after the other, then each seen live. */
async function openLiveTabs(
  count: number,
  context: BrowserContext,
  demo: Demo,
  stream: TokenStream,
  log: RequestLog,
  query = "",
): Promise<Page[]> {
  const pages: Page[] = [];
  for (let i = 0; i < count; i++) pages.push(await openTab(context, demo, stream, log, query));
  for (const page of pages) await expectLive(page);
  return pages;
}

/** The Tab column of the stream's row in the page's devtools panel (opened for the look, then closed). */
async function tabRole(page: Page, path: string): Promise<string | null> {
  await page.getByRole("button", { name: "Durable Streams", exact: true }).click();
  const cell = page
    .getByRole("region", { name: "Durable Streams devtools" })
    .locator(`tr[data-url="${path}"] td[data-tab-role]`)
    .first();
  await expect(cell).toBeVisible();
  const role = await cell.getAttribute("data-tab-role");
  await page.getByRole("button", { name: "Close Durable Streams devtools" }).click();
  return role;
}

async function expectLive(page: Page): Promise<void> {
  await expect(statusBadge(page, "generation-status")).toHaveAttribute("data-status", "live", {
    timeout: 20_000,
  });
}

test.describe("cross-tab sharing", () => {
  test("5 tabs: one live request at any time, every tab shows the server's stream", async ({
    context,
    demo,
  }) => {
    const stream = await tokenStream(demo);
    await resetLiveCount(demo, stream.path);
    const log = new RequestLog((url) => url.pathname === stream.path);
    const pages = await openLiveTabs(5, context, demo, stream, log);
    await writtenMore(stream, 40);
    await expectAllExact(demo, stream, pages);
    const count = await liveCount(demo, stream.path);
    expect(count.peak, "live requests open at once at the server").toBe(1);
    expect(count.started).toBeGreaterThan(0);
    // Only one tab ever read live; the others caught up with plain reads and followed.
    const liveTabs = new Set(log.entries.filter((e) => e.live !== null).map((e) => e.pageIndex));
    expect(liveTabs.size).toBe(1);
  });

  test("closing the leader mid-stream: another tab takes over within about a second, all exact", async ({
    context,
    demo,
  }) => {
    const stream = await tokenStream(demo);
    const log = new RequestLog((url) => url.pathname === stream.path);
    const pages = await openLiveTabs(3, context, demo, stream, log);
    const leader = await leaderOf(pages, log);
    const closedAt = Date.now();
    await leader.close();
    const rest = pages.filter((page) => page !== leader);
    const firstLiveSince = () =>
      log.entries.find((e) => e.live !== null && e.startedAt >= closedAt)?.startedAt;
    await expect
      .poll(firstLiveSince, {
        message: "another tab opens the live request",
        timeout: 5_000,
        intervals: [20],
      })
      .toBeDefined();
    const takeover = firstLiveSince()! - closedAt;
    console.log(`[cross-tab] takeover after the leader closed: ${takeover} ms`);
    expect(takeover, "takeover time (ms)").toBeLessThan(2_000);
    await writtenMore(stream, 30);
    await expectAllExact(demo, stream, rest);
  });

  test("a tab opened late shows the same state without a second live request", async ({
    context,
    demo,
  }) => {
    const stream = await tokenStream(demo);
    await resetLiveCount(demo, stream.path);
    const log = new RequestLog((url) => url.pathname === stream.path);
    const first = await openTab(context, demo, stream, log);
    await expectLive(first);
    await writtenMore(stream, 40);
    const late = await openTab(context, demo, stream, log);
    await expectLive(late);
    await writtenMore(stream, 20);
    // The devtools panel of each tab says which one reads the stream.
    expect(await tabRole(first, stream.path)).toBe("leads");
    expect(await tabRole(late, stream.path)).toBe("follows");
    await expectAllExact(demo, stream, [first, late]);
    const lateIndex = log.pageIndexOf(late);
    expect(log.entries.filter((e) => e.pageIndex === lateIndex && e.live !== null)).toEqual([]);
    expect((await liveCount(demo, stream.path)).peak).toBe(1);
  });

  test("reloading the leader 3 times mid-stream: every tab exact", async ({ context, demo }) => {
    const stream = await tokenStream(demo);
    const log = new RequestLog((url) => url.pathname === stream.path);
    const pages = await openLiveTabs(3, context, demo, stream, log);
    for (let round = 0; round < 3; round++) {
      await writtenMore(stream, 20);
      const leader = await leaderOf(pages, log);
      await leader.reload();
      await expectLive(leader);
    }
    await writtenMore(stream, 20);
    await expectAllExact(demo, stream, pages);
  });

  test("a hidden leader hands over to the visible tab; a frozen one lets go", async ({
    context,
    demo,
  }) => {
    const stream = await tokenStream(demo);
    const log = new RequestLog((url) => url.pathname === stream.path);
    const pages = await openLiveTabs(2, context, demo, stream, log);
    const first = await leaderOf(pages, log);
    const second = pages.find((page) => page !== first)!;
    await setPageHidden(first, true);
    expect(await leaderOf(pages, log), "the visible tab leads").toBe(second);
    await setPageHidden(first, false);
    await writtenMore(stream, 20);
    // Frozen: Chromium freezes background tabs, first firing `freeze`. Headless Chromium
    // never freezes a visible page (CDP's Page.setWebLifecycleState leaves it running),
    // so the test fires the page lifecycle's events itself; locks and channels are real.
    await second.evaluate(() => document.dispatchEvent(new Event("freeze")));
    expect(await leaderOf(pages, log), "the tab that was not frozen leads").toBe(first);
    await second.evaluate(() => document.dispatchEvent(new Event("resume")));
    await writtenMore(stream, 20);
    await expectAllExact(demo, stream, pages);
  });

  test("crossTab={false} (?crossTab=0): one live request per tab", async ({ context, demo }) => {
    const stream = await tokenStream(demo);
    await resetLiveCount(demo, stream.path);
    const log = new RequestLog((url) => url.pathname === stream.path);
    const pages = await openLiveTabs(2, context, demo, stream, log, "?crossTab=0");
    await writtenMore(stream, 20);
    await expectAllExact(demo, stream, pages);
    const liveTabs = new Set(log.entries.filter((e) => e.live !== null).map((e) => e.pageIndex));
    expect(liveTabs.size).toBe(2);
    expect((await liveCount(demo, stream.path)).peak).toBe(2);
  });
});
