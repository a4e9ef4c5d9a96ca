/**
 * The live-request budget in real Chromium, on the demo's tiles page: ten
 * live JSON streams in one tab, over HTTP/1.1 (the demo server), where a
 * browser opens about six connections per origin. With the budget at most
 * four live requests are open and the page's own fetch goes through at
 * once; without it (`?liveBudget=0`) live requests take every connection
 * and the fetch waits. Times are compared with each other, not with a bound.
 */
import type { BrowserContext } from "@playwright/test";
import { expect, test, type Demo } from "./support/fixtures";
import { RequestLog } from "./support/requests";
import { appendToStream } from "./support/streams-admin";

const TILES = Array.from({ length: 10 }, (_, i) => `/streams/tiles/${i}`);
/** How long the page's probe fetch may wait before it counts as stuck. */
const PROBE_LIMIT_MS = 8_000;

interface Run {
  /** How long the page's own fetch took (ms), PROBE_LIMIT_MS when it never finished. */
  fetchMs: number;
  /** The most live requests the tab had open at once. */
  maxOpenLive: number;
}

async function runTiles(
  context: BrowserContext,
  demo: Demo,
  query: string,
  allLive: boolean,
): Promise<Run> {
  const page = await context.newPage();
  const log = new RequestLog((url) => url.pathname.startsWith("/streams/tiles/")).attach(page);
  try {
    await page.goto(demo.href(`/${query}#/tiles`));
    const tiles = page.getByTestId("tile");
    await expect(tiles).toHaveCount(10, { timeout: 20_000 });
    if (allLive) {
      for (const tile of await tiles.all()) {
        await expect(tile.locator("[data-status]").first()).toHaveAttribute("data-status", "live", {
          timeout: 20_000,
        });
      }
      // Every stream delivers: one message to each, seen in its tile.
      const before = await tiles.evaluateAll((all) => all.map((t) => Number(t.dataset.count)));
      const mark = `m${Date.now()}`;
      for (const url of TILES)
        await appendToStream(demo, url, "application/json", JSON.stringify(mark));
      for (const [i, tile] of (await tiles.all()).entries()) {
        await expect(tile).toHaveAttribute("data-count", String(before[i]! + 1), {
          timeout: 10_000,
        });
      }
    } else {
      // Without the budget the live requests hold every connection; give them time to.
      await page.waitForTimeout(1500);
    }
    const fetchMs = await page.evaluate(async (limit) => {
      const started = performance.now();
      try {
        await fetch(`/api/live-requests?path=/probe&t=${Math.random()}`, {
          signal: AbortSignal.timeout(limit),
        });
      } catch {
        return limit;
      }
      return performance.now() - started;
    }, PROBE_LIMIT_MS);
    return { fetchMs, maxOpenLive: log.maxOpenLive.get(0) ?? 0 };
  } finally {
    await page.close();
  }
}

test("10 live streams in one tab over HTTP/1.1: all live, at most 4 live requests, the page's fetch goes through", async ({
  context,
  demo,
}) => {
  const withBudget = await runTiles(context, demo, "", true);
  const withoutBudget = await runTiles(context, demo, "?liveBudget=0", false);
  console.log(
    `[live-budget] page fetch with 10 live streams: ${withBudget.fetchMs.toFixed(0)} ms with the budget ` +
      `(at most ${withBudget.maxOpenLive} live requests open), ${withoutBudget.fetchMs.toFixed(0)} ms without ` +
      `(${withoutBudget.maxOpenLive} open; ${PROBE_LIMIT_MS} ms means it never finished)`,
  );
  expect(withBudget.maxOpenLive).toBeLessThanOrEqual(4);
  expect(withBudget.maxOpenLive).toBeGreaterThan(0);
  expect(withoutBudget.maxOpenLive).toBeGreaterThan(4);
  expect(withBudget.fetchMs).toBeLessThan(withoutBudget.fetchMs);
});
