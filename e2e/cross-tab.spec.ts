/**
 * Cross-tab sharing in real Chromium tabs (pages of one browser context
 * share Web Locks, BroadcastChannel and IndexedDB, as tabs of one profile
 * do), on the demo's generation page. Live requests are counted at the demo
 * server (`/api/live-requests`) and, per tab, in the browser's request log.
 */
import type { BrowserContext, Page } from "@playwright/test";
import {
  expect,
  expectTokens,
  statusBadge,
  test,
  textDifference,
  type Demo,
  type Generation,
} from "./support/fixtures";
import { RequestLog } from "./support/requests";

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

/** Opens the generation in a new tab and waits until it shows it. */
async function openTab(
  context: BrowserContext,
  demo: Demo,
  generation: Generation,
  log: RequestLog,
  query = "",
): Promise<Page> {
  const page = await context.newPage();
  log.attach(page);
  await page.goto(demo.href(`/${query}#/generate/${generation.id}`));
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

/** Every tab ends closed, showing exactly the server's stream. */
async function expectAllExact(
  demo: Demo,
  generation: Generation,
  tokens: number,
  pages: readonly Page[],
): Promise<void> {
  await demo.waitUntilDone(generation.id);
  const server = await demo.streamText(generation.url);
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

/** Fails when the generation has already finished: the test's moment must be mid-stream. */
async function stillRunning(demo: Demo, generation: Generation, what: string): Promise<void> {
  expect((await demo.info(generation.id)).done, what).toBe(false);
}

const pathOf = (demo: Demo, generation: Generation) => new URL(demo.href(generation.url)).pathname;

test.describe("cross-tab sharing", () => {
  test("5 tabs: one live request at any time, every tab shows the server's stream", async ({
    context,
    demo,
  }) => {
    const generation = await demo.generate({ rate: 20, tokens: 400 });
    const path = pathOf(demo, generation);
    await resetLiveCount(demo, path);
    const log = new RequestLog((url) => url.pathname === path);
    const pages: Page[] = [];
    for (let i = 0; i < 5; i++) pages.push(await openTab(context, demo, generation, log));
    await stillRunning(demo, generation, "all 5 tabs opened while the stream was live");
    await expectAllExact(demo, generation, 400, pages);
    const count = await liveCount(demo, path);
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
    const generation = await demo.generate({ rate: 25, tokens: 500 });
    const path = pathOf(demo, generation);
    const log = new RequestLog((url) => url.pathname === path);
    const pages: Page[] = [];
    for (let i = 0; i < 3; i++) pages.push(await openTab(context, demo, generation, log));
    await expect.poll(() => shownText(pages[2]!).then((t) => t.length)).toBeGreaterThan(200);
    const leader = await leaderOf(pages, log);
    const closedAt = Date.now();
    await leader.close();
    await stillRunning(demo, generation, "the leader closed mid-stream");
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
    await expectAllExact(demo, generation, 500, rest);
  });

  test("a tab opened late shows the same state without a second live request", async ({
    context,
    demo,
  }) => {
    const generation = await demo.generate({ rate: 25, tokens: 400 });
    const path = pathOf(demo, generation);
    await resetLiveCount(demo, path);
    const log = new RequestLog((url) => url.pathname === path);
    const first = await openTab(context, demo, generation, log);
    await expect.poll(() => shownText(first).then((t) => t.length)).toBeGreaterThan(300);
    const late = await openTab(context, demo, generation, log);
    await stillRunning(demo, generation, "the late tab opened mid-stream");
    await expectAllExact(demo, generation, 400, [first, late]);
    expect(
      log.entries.filter((e) => e.pageIndex === log.pageIndexOf(late) && e.live !== null),
    ).toEqual([]);
    expect((await liveCount(demo, path)).peak).toBe(1);
  });

  test("reloading the leader 3 times mid-stream: every tab exact", async ({ context, demo }) => {
    const generation = await demo.generate({ rate: 25, tokens: 600 });
    const path = pathOf(demo, generation);
    const log = new RequestLog((url) => url.pathname === path);
    const pages: Page[] = [];
    for (let i = 0; i < 3; i++) pages.push(await openTab(context, demo, generation, log));
    for (let round = 0; round < 3; round++) {
      await expect
        .poll(() => shownText(pages[0]!).then((t) => t.length))
        .toBeGreaterThan(150 * (round + 1));
      const leader = await leaderOf(pages, log);
      await stillRunning(demo, generation, `reload ${round + 1} mid-stream`);
      await leader.reload();
      await expect(leader.getByTestId("generation-status")).toBeVisible({ timeout: 20_000 });
    }
    await expectAllExact(demo, generation, 600, pages);
  });

  test("crossTab={false} (?crossTab=0): one live request per tab", async ({ context, demo }) => {
    const generation = await demo.generate({ rate: 25, tokens: 400 });
    const path = pathOf(demo, generation);
    await resetLiveCount(demo, path);
    const log = new RequestLog((url) => url.pathname === path);
    const pages = [
      await openTab(context, demo, generation, log, "?crossTab=0"),
      await openTab(context, demo, generation, log, "?crossTab=0"),
    ];
    await stillRunning(demo, generation, "both tabs opened while the stream was live");
    await expectAllExact(demo, generation, 400, pages);
    const liveTabs = new Set(log.entries.filter((e) => e.live !== null).map((e) => e.pageIndex));
    expect(liveTabs.size).toBe(2);
    expect((await liveCount(demo, path)).peak).toBe(2);
  });
});
