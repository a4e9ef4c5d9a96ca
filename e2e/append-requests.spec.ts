import { expect, test } from "./support/fixtures";
import { RequestLog } from "./support/requests";

/**
 * What a developer sees in the network panel when an app writes: every
 * producer append (a POST to the board's stream) ends as finished, none as
 * failed or canceled. A response body left unread is aborted once its
 * response is collected (`net::ERR_ABORTED`), so the test forces garbage
 * collection before it looks.
 */
test("producer appends end as finished requests, never canceled", async ({ page, demo }) => {
  const log = new RequestLog(
    (url, method) => method === "POST" && url.pathname === "/streams/board",
  ).attach(page);
  await demo.open(page, "#/board", "board-input");
  const run = Math.random().toString(36).slice(2, 8);
  for (let i = 1; i <= 5; i++) {
    await page.getByTestId("board-input").fill(`append ${i} ${run}`);
    await page.getByTestId("board-send").click();
    // One at a time, so each is its own request.
    await expect(page.getByTestId("board-event-text").filter({ hasText: run })).toHaveCount(i);
  }
  const cdp = await page.context().newCDPSession(page);
  for (let i = 0; i < 3; i++) await cdp.send("HeapProfiler.collectGarbage");
  await expect
    .poll(() => log.entries.filter((entry) => entry.outcome === undefined).length, {
      message: "every append request has ended",
    })
    .toBe(0);

  expect(log.entries.length, "append requests").toBeGreaterThanOrEqual(5);
  const failed = log.entries.filter((entry) => entry.outcome !== "finished");
  expect(
    failed.map((entry) => `${entry.outcome}: ${entry.failure}`),
    "appends that did not finish",
  ).toEqual([]);
  expect(
    log.entries.map((entry) => entry.status).filter((status) => !status || status >= 300),
  ).toEqual([]);
});
