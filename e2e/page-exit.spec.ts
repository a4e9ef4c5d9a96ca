/**
 * Writes that race a closing page, in real Chromium: an append made in the
 * same task as a reload goes out as the page unloads (producer requests use
 * fetch's `keepalive`), and the server stores it exactly once. Counted at
 * the server: the board stream read back through the demo's proxy.
 */
import type { Page } from "@playwright/test";
import { DurableStreamClient } from "../src/client/index";
import { expect, test, type Demo } from "./support/fixtures";
import { runId } from "./support/streams-admin";

async function storedTexts(demo: Demo): Promise<string[]> {
  const client = new DurableStreamClient({ baseUrl: demo.baseUrl, warnOnHttp: false });
  const response = await client.stream("/streams/board").read({ live: "off" });
  const events = await response.json<{ text?: unknown }>();
  return events.flatMap((event) => (typeof event.text === "string" ? [event.text] : []));
}

/** Types `text`, then, in one task, sends it and reloads the page; waits for the new document. */
async function sendAndReload(page: Page, text: string): Promise<void> {
  await page.getByTestId("board-input").fill(text);
  await Promise.all([
    page.waitForEvent("load"),
    page
      .evaluate(() => {
        document.querySelector<HTMLButtonElement>('[data-testid="board-send"]')!.click();
        location.reload();
      })
      // The reload ends the evaluation's context.
      .catch(() => undefined),
  ]);
  await expect(page.getByTestId("board-input")).toBeVisible({ timeout: 20_000 });
}

for (const [name, query] of [
  ["durable (the outbox)", ""],
  ["default producer", "?durable=0"],
] as const) {
  test(`${name}: an append in the same task as a reload is stored exactly once, 10 times in a row`, async ({
    page,
    demo,
  }) => {
    await reloadTenTimes(page, demo, query);
  });
}

async function reloadTenTimes(page: Page, demo: Demo, query: string): Promise<void> {
  const run = runId();
  await demo.open(page, `${query}#/board`, "board-input");
  const sent: string[] = [];
  for (let i = 0; i < 10; i++) {
    const text = `reload ${run} ${i}`;
    await sendAndReload(page, text);
    sent.push(text);
  }
  await expect
    .poll(async () => (await storedTexts(demo)).filter((t) => t.includes(run)), {
      message: "the server stores all 10, each once, in the order sent",
      timeout: 15_000,
    })
    .toEqual(sent);
  const stored = (await storedTexts(demo)).filter((t) => t.includes(run));
  expect(stored, "each once, in the order sent").toEqual(sent);
  // And the page, reloaded once more, shows them.
  await page.reload();
  await expect
    .poll(async () =>
      (await page.getByTestId("board-event-text").allTextContents()).filter((t) => t.includes(run)),
    )
    .toEqual(sent);
}
