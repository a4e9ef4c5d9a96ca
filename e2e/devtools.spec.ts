import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";

/**
 * `<DurableStreamsDevtools />` in the demo (which renders it inside its
 * provider): the floating button opens the panel, whose tables follow the
 * runtime through its subscribe API while a generation streams, a board
 * event is written and a missing stream fails.
 */

function panel(page: Page): Locator {
  return page.getByRole("region", { name: "Durable Streams devtools" });
}

function table(page: Page, caption: string): Locator {
  return panel(page).getByRole("table", { name: caption });
}

/** The text of cell `column` (0-based) of `row`. */
async function cell(row: Locator, column: number): Promise<string> {
  return ((await row.locator("td").nth(column).textContent()) ?? "").trim();
}

async function openPanel(page: Page): Promise<void> {
  await page.getByRole("button", { name: "Durable Streams", exact: true }).click();
  await expect(panel(page)).toBeVisible();
}

test("devtools: sessions, producers and checkpoints of this tab, live", async ({ page, demo }) => {
  // Long enough to be live still when a loaded machine has opened the panel.
  const generation = await demo.generate({ rate: 40, tokens: 600 });

  await test.step("closed, it is only a button, and the panel opens from it", async () => {
    await demo.open(page, `#/generate/${generation.id}`, "generation-text");
    await expect(panel(page)).toHaveCount(0);
    const button = page.getByRole("button", { name: "Durable Streams", exact: true });
    await expect(button).toHaveAttribute("aria-expanded", "false");
    await openPanel(page);
    await expect(
      page.getByRole("button", { name: "Close Durable Streams devtools" }),
    ).toHaveAttribute("aria-expanded", "true");
  });

  await test.step("the generation's session: live, its messages and bytes growing", async () => {
    const row = table(page, "Sessions").locator(`tr[data-url="${generation.url}"]`);
    await expect(row, "one session for the page's two views of the stream").toHaveCount(1);
    await expect(row).toHaveAttribute("data-status", "live");
    // The only tab: it reads the stream for any other.
    expect(await cell(row, 2), "tab").toBe("leads");
    const first = Number(await cell(row, 4));
    await expect
      .poll(async () => Number(await cell(row, 4)), { timeout: 10_000 })
      .toBeGreaterThan(first);
    expect(await cell(row, 5)).toMatch(/^\d+(\.\d)? (B|KB|MB)$/);
    expect(await cell(row, 5)).not.toBe("0 B");
    expect(Number(await cell(row, 6)), "subscribers").toBeGreaterThanOrEqual(1);
    expect(await cell(row, 8), "no failure").toBe("—");
    // The offset shown is the page's own, once it no longer moves.
    await demo.waitUntilDone(generation.id);
    await expect
      .poll(
        async () =>
          (await cell(row, 3)) === (await page.getByTestId("generation-offset").textContent()),
      )
      .toBe(true);
  });

  await test.step("the checkpoint the page saves, with the store's kind", async () => {
    const row = table(page, "Checkpoints").locator(`tr[data-key="generation-${generation.id}"]`);
    await expect(row).toHaveCount(1, { timeout: 10_000 });
    expect(await cell(row, 1)).toBe(generation.url);
    expect(await cell(row, 2)).toMatch(/^[0-9_]+/);
    expect(await cell(row, 4)).toBe("indexeddb");
  });

  await test.step("the board's producer: a written event moves its sequence", async () => {
    await demo.open(page, "#/board", "board-input");
    await expect(panel(page), "the panel stays open across the app's routes").toBeVisible();
    // The open panel lies over the page (the board's form among it): closed to write, then reopened.
    await page.getByRole("button", { name: "Close Durable Streams devtools" }).click();
    await page.getByTestId("board-input").fill("from the devtools test");
    await page.getByTestId("board-send").click();
    await expect(
      page.getByTestId("board-event-text").filter({ hasText: "from the devtools test" }),
    ).toHaveCount(1);
    await openPanel(page);
    const row = table(page, "Producers").locator("tbody tr[data-url]").first();
    await expect
      .poll(async () => Number(await cell(row, 3)), { message: "next seq" })
      .toBeGreaterThanOrEqual(1);
    await expect
      .poll(async () => [await cell(row, 4), await cell(row, 5)], { message: "pending, in flight" })
      .toEqual(["0", "0"]);
    expect(await cell(row, 6), "no failure").toBe("—");
  });

  await test.step("a missing stream: its session shows the error", async () => {
    await demo.open(page, "#/generate/no-such-generation", "generation-text");
    await expect(panel(page)).toBeVisible();
    const row = table(page, "Sessions").locator(
      'tr[data-url="/streams/generations/no-such-generation"]',
    );
    await expect(row).toHaveAttribute("data-status", "error");
    expect(await cell(row, 8)).toContain("StreamNotFoundError");
  });

  await test.step("Escape closes the panel, and focus stays on its button", async () => {
    const button = page.getByRole("button", { name: "Close Durable Streams devtools" });
    await button.focus();
    await page.keyboard.press("Escape");
    await expect(panel(page)).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Durable Streams", exact: true })).toBeFocused();
  });
});
