import type { BrowserContext, Locator, Page, TestInfo } from "@playwright/test";
import {
  expect,
  recordStatuses,
  statusBadge,
  statusHistory,
  test,
  textDifference,
} from "./support/fixtures";
import type { RequestLog } from "./support/requests";
import { appendToStream, createStream, runId, words } from "./support/streams-admin";

/**
 * Back online at once: the client follows the browser's `offline`/`online`
 * events. Offline, a live view says so (`offline`), its live request is
 * dropped and nothing is retried against a network that is not there; back
 * online, it reconnects at once instead of sitting out a backoff that grew
 * while the network was gone.
 */

/** Long enough that a retry backoff (100 ms doubling) would have grown to seconds. */
const OFFLINE_MS = 6000;
/** From `online` to the new data on screen and the view live again (measured 3.4 s before). */
const BACK_ONLINE_MS = 2000;
/** Requests to the stream while offline: a few that fail at once at most, no retry loop. */
const MAX_REQUESTS_OFFLINE = 3;

interface Scenario {
  page: Page;
  context: BrowserContext;
  testInfo: TestInfo;
  badge: Locator;
  /** Requests of the page to the followed stream. */
  log: RequestLog;
  /** Writes to the stream from the test process while the page is offline. */
  appendWhileOffline: () => Promise<void>;
  /** Whether the page shows what `appendWhileOffline` wrote. */
  showsNewData: () => Promise<boolean>;
}

/**
 * With the view live and its live request open: offline for {@link OFFLINE_MS}
 * (an append on the server meanwhile), then online; checks the status, the
 * requests made while offline and how soon the new data shows.
 */
async function offlineThenOnline(s: Scenario): Promise<void> {
  const { page, context, badge, log } = s;
  await expect(badge).toHaveAttribute("data-status", "live");
  await expect
    .poll(() => log.openLive().length, { message: `a live request is open\n${log.describe()}` })
    .toBe(1);
  const inFlight = log.openLive()[0]!;

  const offlineAt = Date.now();
  await context.setOffline(true);
  await expect(badge, "the view says it is offline").toHaveAttribute("data-status", "offline", {
    timeout: 3000,
  });
  await expect(badge).toHaveText("Offline");
  await expect
    .poll(() => inFlight.endedAt !== undefined, {
      message: `the live request in flight ends when the host goes offline\n${log.describe()}`,
      timeout: 3000,
    })
    .toBe(true);
  await s.appendWhileOffline();

  // The measured window: nothing to wait for, the point is that nothing happens in it.
  await page.waitForTimeout(Math.max(0, offlineAt + OFFLINE_MS - Date.now()));
  await expect(badge, "still offline at the end of the window").toHaveAttribute(
    "data-status",
    "offline",
  );
  expect(await s.showsNewData(), "nothing can arrive while offline").toBe(false);
  const history = await statusHistory(page);
  expect(
    history.slice(history.indexOf("offline")),
    `once offline, the status stays offline (no reconnecting/error flapping); history: ${history.join(" → ")}`,
  ).toEqual(["offline"]);

  const onlineAt = Date.now();
  const whileOffline = log.entries.filter((e) => e.startedAt >= offlineAt);
  await context.setOffline(false);
  const left = () => Math.max(1, onlineAt + BACK_ONLINE_MS - Date.now());
  await expect
    .poll(s.showsNewData, {
      message: `the data appended while offline shows within ${BACK_ONLINE_MS} ms of online\n${log.describe()}`,
      timeout: left(),
      intervals: [25],
    })
    .toBe(true);
  await expect(badge, `live again within ${BACK_ONLINE_MS} ms of online`).toHaveAttribute(
    "data-status",
    "live",
    { timeout: left() },
  );
  const elapsed = Date.now() - onlineAt;
  const reconnect = log.entries.filter((e) => e.startedAt >= onlineAt);
  s.testInfo.annotations.push({
    type: "back online",
    description:
      `new data shown and live ${elapsed} ms after online; ${whileOffline.length} request(s) ` +
      `while offline; after online: ${reconnect.map((e) => `${e.live ?? "catch-up"} at +${e.startedAt - onlineAt} ms (${e.endedAt !== undefined ? `${e.endedAt - e.startedAt} ms` : "open"})`).join(", ")}`,
  });
  expect(elapsed, `back online\n${log.describe()}`).toBeLessThanOrEqual(BACK_ONLINE_MS);

  expect(
    whileOffline.length,
    `at most ${MAX_REQUESTS_OFFLINE} requests to the stream during ${OFFLINE_MS} ms offline\n${log.describe(whileOffline)}`,
  ).toBeLessThanOrEqual(MAX_REQUESTS_OFFLINE);
  for (const entry of whileOffline) {
    expect(
      entry.outcome === "failed" && entry.endedAt! - entry.startedAt < 1000,
      `a request made while offline failed at once\n${log.describe(whileOffline)}`,
    ).toBe(true);
  }
  expect(reconnect.length, `a read once online\n${log.describe()}`).toBeGreaterThan(0);
  expect(log.maxOpenLive.get(0) ?? 0, `never two live requests open\n${log.describe()}`).toBe(1);
}

test.describe("network", () => {
  test("generation page (long-poll): offline status, no retry storm, back live at once", async ({
    page,
    context,
    demo,
    requestLog,
  }, testInfo) => {
    const id = `e2e-net-${runId()}`;
    const path = `/streams/generations/${id}`;
    const before = words("a", 30);
    const offline = words("b", 20, 30);
    await createStream(demo, path, "text/plain", before);
    const log = requestLog((url) => url.pathname === path).attach(page);
    await recordStatuses(page, "generation-status");
    const text = page.getByTestId("generation-text");
    const shown = async () => (await text.textContent()) ?? "";

    await demo.open(page, `#/generate/${id}`, "generation-text");
    await expect.poll(shown, { message: "the page shows the stream" }).toBe(before);
    expect(
      log.entries.some((e) => e.live === "long-poll"),
      `a text stream is followed with long-polls\n${log.describe()}`,
    ).toBe(true);

    await offlineThenOnline({
      page,
      context,
      testInfo,
      badge: statusBadge(page, "generation-status"),
      log,
      appendWhileOffline: async () => {
        await appendToStream(demo, path, "text/plain", offline);
      },
      showsNewData: async () => (await shown()).includes("b049"),
    });
    await expect
      .poll(async () => textDifference(await shown(), before + offline), {
        message: `exactly the stream, nothing twice or missing\n${log.describe()}`,
      })
      .toBeNull();
    expect(await shown()).toBe(await demo.streamText(path));
  });

  test("board (SSE): offline status, no retry storm, back live at once", async ({
    page,
    context,
    demo,
    requestLog,
  }, testInfo) => {
    const path = "/streams/board";
    const run = runId();
    const message = `written while offline ${run}`;
    const log = requestLog((url) => url.pathname === path).attach(page);
    await recordStatuses(page, "board-status");
    await demo.open(page, "#/board", "board-input");
    const event = page.getByTestId("board-event-text").filter({ hasText: message });
    await expect
      .poll(() => log.entries.filter((e) => e.live === "sse").length, {
        message: `the board (JSON) is followed over SSE\n${log.describe()}`,
      })
      .toBeGreaterThan(0);

    await offlineThenOnline({
      page,
      context,
      testInfo,
      badge: statusBadge(page, "board-status"),
      log,
      appendWhileOffline: async () => {
        const body = { id: `e2e-${run}`, text: message, at: Date.now(), tab: `tab-e2e${run}` };
        await appendToStream(demo, path, "application/json", JSON.stringify([body]));
      },
      showsNewData: async () => (await event.count()) > 0,
    });
    await expect(event, "the event shows once").toHaveCount(1);
  });
});
