/**
 * The durable outbox in real Chromium, with real IndexedDB and Web Locks,
 * against the demo's board (`useStreamProducer(url, { durable: true })`),
 * counting what the server stores: the board stream read back through the
 * demo's proxy.
 */
import type { BrowserContext, Page } from "@playwright/test";
import { DurableStreamClient } from "../src/client/index";
import { expect, test, type Demo } from "./support/fixtures";
import { runId } from "./support/streams-admin";

async function storedTexts(demo: Demo, run: string): Promise<string[]> {
  const client = new DurableStreamClient({ baseUrl: demo.baseUrl, warnOnHttp: false });
  const response = await client.stream("/streams/board").read({ live: "off" });
  const events = await response.json<{ text?: unknown }>();
  return events.flatMap((event) =>
    typeof event.text === "string" && event.text.includes(run) ? [event.text] : [],
  );
}

async function openBoard(demo: Demo, context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await demo.open(page, "#/board", "board-input");
  return page;
}

test("offline, 20 messages, the tab closed: the next tab of the app stores each once, in order", async ({
  context,
  demo,
}) => {
  const run = runId();
  const first = await openBoard(demo, context);
  await context.setOffline(true);
  const sent: string[] = [];
  for (let i = 0; i < 20; i++) {
    const text = `offline ${run} ${i}`;
    await first.getByTestId("board-input").fill(text);
    await first.getByTestId("board-send").click();
    sent.push(text);
  }
  // Shown at once, as pending.
  await expect(first.getByTestId("board-pending-event")).toHaveCount(20);
  expect(await storedTexts(demo, run), "nothing reached the server while offline").toEqual([]);
  await first.close();

  // The app itself cannot load offline, so the next tab opens with only the stream server
  // out of reach (its requests fail as they do offline), and then the network comes back.
  await context.setOffline(false);
  const second = await context.newPage();
  let online = false;
  await second.route("**/streams/**", (route) =>
    online ? route.continue() : route.abort("internetdisconnected"),
  );
  await demo.open(second, "#/board", "board-input");
  await second.waitForTimeout(1500);
  expect(await storedTexts(demo, run), "nothing stored while still offline").toEqual([]);
  online = true;
  await expect
    .poll(() => storedTexts(demo, run), {
      message: "the next tab adopts the closed tab's outbox once online",
      timeout: 30_000,
    })
    .toEqual(sent);
  await expect
    .poll(async () =>
      (await second.getByTestId("board-event-text").allTextContents()).filter((t) =>
        t.includes(run),
      ),
    )
    .toEqual(sent);
  await second.waitForTimeout(500);
  expect(await storedTexts(demo, run), "each once, in order, and nothing more").toEqual(sent);
});

test("a reload while offline: the reloaded tab shows its pending writes and sends them once when online", async ({
  context,
  demo,
}) => {
  const run = runId();
  const page = await openBoard(demo, context);
  // Offline for the stream's requests only, so that the app itself can reload.
  let online = false;
  await page.route("**/streams/board*", (route) =>
    online ? route.continue() : route.abort("internetdisconnected"),
  );
  const sent = [0, 1, 2].map((i) => `pending ${run} ${i}`);
  for (const text of sent) {
    await page.getByTestId("board-input").fill(text);
    await page.getByTestId("board-send").click();
  }
  await expect(page.getByTestId("board-pending-event")).toHaveCount(3);
  await page.reload();
  await expect(page.getByTestId("board-input")).toBeVisible({ timeout: 20_000 });
  await expect(
    page.getByTestId("board-pending-event"),
    "after the reload the outbox shows them, still pending",
  ).toHaveCount(3);
  online = true;
  await expect.poll(() => storedTexts(demo, run), { timeout: 20_000 }).toEqual(sent);
  await expect(page.getByTestId("board-pending-event")).toHaveCount(0);
  await page.waitForTimeout(500);
  expect(await storedTexts(demo, run), "each once").toEqual(sent);
});

test("a page killed in the middle of a flush of 500 messages: all 500 stored once after reopening", async ({
  context,
  demo,
  request,
}) => {
  const run = runId();
  const page = await openBoard(demo, context);
  const producerId = await page.evaluate(() =>
    sessionStorage.getItem("react-durable-streams:tab-id"),
  );
  expect(producerId, "the board's producer id is this tab's").toBeTruthy();
  // The server goes down for this tab's appends after the first one: the flush
  // is stuck in the middle, retrying, when the page dies.
  const refuseAfter = (allow: number) =>
    request.post(demo.href("/api/append-refusals"), { data: { producerId, allow } });
  expect((await refuseAfter(1)).status()).toBe(200);
  const sent = Array.from({ length: 500 }, (_, i) => `burst ${run} ${i}`);
  try {
    await page.evaluate(async (texts) => {
      const append = (window as { boardAppend?: (text: string) => void }).boardAppend!;
      for (const [index, text] of texts.entries()) {
        append(text);
        // Over many tasks, so that the flush takes more than one batch.
        if (index % 10 === 9) await new Promise((resolve) => setTimeout(resolve, 0));
      }
    }, sent);
    await expect
      .poll(async () => (await storedTexts(demo, run)).length, {
        message: "the first batch is stored",
      })
      .toBeGreaterThan(0);
    await page.waitForTimeout(500);
    // Crash the renderer: no pagehide, no unload, nothing more of its JavaScript runs.
    const cdp = await context.newCDPSession(page);
    const crashed = page.waitForEvent("crash");
    void cdp.send("Page.crash").catch(() => undefined);
    await crashed;
  } finally {
    await refuseAfter(-1);
  }
  const atCrash = (await storedTexts(demo, run)).length;
  expect(atCrash, "the server had only part of them when the page died").toBeLessThan(500);

  await openBoard(demo, context);
  await expect
    .poll(async () => (await storedTexts(demo, run)).length, { timeout: 30_000 })
    .toBe(500);
  await new Promise((resolve) => setTimeout(resolve, 500));
  const stored = await storedTexts(demo, run);
  expect(stored, "each once, in order").toEqual(sent);
  console.log(`outbox crash test: ${atCrash} of 500 stored when the page died`);
});

test("default producer: appends made while the server is unreachable are accepted, retried without a storm, and stored once when it is back", async ({
  context,
  demo,
}) => {
  const run = runId();
  const page = await context.newPage();
  await demo.open(page, "?durable=0#/board", "board-input");
  // Unreachable, while the browser still thinks it is online: every append is refused at once.
  let attempts = 0;
  let reachable = false;
  await page.route("**/streams/board*", (route) => {
    const request = route.request();
    if (reachable || request.method() !== "POST") return route.continue();
    attempts++;
    return route.abort("connectionrefused");
  });
  const sent = [0, 1, 2].map((i) => `unreachable ${run} ${i}`);
  for (const text of sent) {
    await page.getByTestId("board-input").fill(text);
    await page.getByTestId("board-send").click();
  }
  await page.waitForTimeout(3000);
  expect(await storedTexts(demo, run)).toEqual([]);
  expect(attempts, "retried with backoff, not in a storm").toBeGreaterThan(1);
  expect(attempts).toBeLessThan(40);
  // Still accepting appends while it waits.
  await page.getByTestId("board-input").fill(`unreachable ${run} 3`);
  await page.getByTestId("board-send").click();
  sent.push(`unreachable ${run} 3`);
  reachable = true;
  await expect.poll(() => storedTexts(demo, run), { timeout: 30_000 }).toEqual(sent);
  await page.waitForTimeout(500);
  expect(await storedTexts(demo, run), "each once, in order").toEqual(sent);
  console.log(`default producer while unreachable: ${attempts} refused attempts in about 3 s`);
});
