import { expect, screenshot, statusBadge, test } from "./support/fixtures";

/**
 * The demo's three pages with live data, through their buttons and inputs:
 * screenshots go to the report (and, with UPDATE_SCREENSHOTS=1, to
 * docs/screenshots/e2e-*.png).
 */
test("demo pages: generate while streaming, board with events, inspector", async ({
  page,
  demo,
}, testInfo) => {
  let streamUrl = "";

  await test.step("generate: the Generate button starts a run that streams in", async () => {
    await demo.open(page, "#/generate", "generate");
    await page.getByTestId("generate").click();
    await expect(page).toHaveURL(/#\/generate\/[A-Za-z0-9_-]+$/);
    const id = new URL(page.url()).hash.split("/")[2]!;
    streamUrl = (await demo.info(id)).url;
    await expect(page.getByTestId("generation-text")).toContainText("t00019", {
      timeout: 15_000,
    });
    await expect(statusBadge(page, "generation-status")).toHaveAttribute("data-status", "live");
    expect((await demo.info(id)).done, "still streaming").toBe(false);
    await screenshot(page, testInfo, "generate");
  });

  await test.step("board: sent events show up", async () => {
    await demo.open(page, "#/board", "board-input");
    const run = Math.random().toString(36).slice(2, 6);
    const texts = [`Hello from the e2e run ${run}`, "Second event", "Third event"];
    for (const text of texts) {
      await page.getByTestId("board-input").fill(text);
      await page.getByTestId("board-send").click();
    }
    await expect(
      page.getByTestId("board-event-text").filter({ hasText: `e2e run ${run}` }),
    ).toHaveCount(1);
    await expect(statusBadge(page, "board-status")).toHaveAttribute("data-status", "live");
    await screenshot(page, testInfo, "board");
  });

  await test.step("inspector: the stream's live view and its one session", async () => {
    await demo.open(page, `#/inspector?url=${encodeURIComponent(streamUrl)}`, "inspector-url");
    await expect(page.getByTestId("inspector-url")).toHaveValue(streamUrl);
    await expect(statusBadge(page, "inspector-status")).toHaveAttribute(
      "data-status",
      /live|closed/,
    );
    const sessions = page
      .getByTestId("inspector-sessions")
      .locator(`[data-testid="inspector-session"][data-url="${streamUrl}"]`);
    await expect(sessions, "one session for the inspected stream").toHaveCount(1);
    await screenshot(page, testInfo, "inspector");
  });
});
