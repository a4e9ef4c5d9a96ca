import {
  expect,
  expectTokens,
  setPageHidden,
  statusBadge,
  test,
  textDifference,
} from "./support/fixtures";

/**
 * A hidden tab parks its long-poll (status `paused`, no live request open)
 * and, shown again, catches up on everything appended meanwhile, in order.
 */
test("a hidden tab pauses its long-poll and catches up without loss when shown", async ({
  page,
  demo,
  requestLog,
}) => {
  const TOKENS = 1000;
  await demo.open(page, "#/generate", "generate");
  const generation = await demo.generate({ rate: 100, tokens: TOKENS });
  const path = new URL(demo.href(generation.url)).pathname;
  const log = requestLog((url, method) => method === "GET" && url.pathname === path).attach(page);
  await page.evaluate((id) => {
    location.hash = `#/generate/${id}`;
  }, generation.id);

  const text = page.getByTestId("generation-text");
  const badge = statusBadge(page, "generation-status");
  await expect(text).toContainText("t00030", { timeout: 15_000 });
  await expect(badge).toHaveAttribute("data-status", "live");
  expect(
    log.entries.some((e) => e.live === "long-poll"),
    log.describe(),
  ).toBe(true);

  await setPageHidden(page, true);
  await expect(badge).toHaveAttribute("data-status", "paused", { timeout: 5000 });
  // Let an aborted long-poll's failure reach the log, then watch a quiet period.
  await page.waitForTimeout(200);
  const pausedAt = Date.now();
  const parkedAt = log.entries.at(-1)!;
  expect(
    parkedAt.live,
    `the last request before the pause was a long-poll\n${log.describe()}`,
  ).toBe("long-poll");
  const textWhenPaused = (await text.textContent()) ?? "";
  // The pause may cut a long-poll short (resume from where it asked) or land just after
  // one answered with data (resume from that answer's next offset): the page shows which.
  const offsetWhenPaused =
    (await page.getByTestId("generation-offset").textContent())?.trim() ?? "";
  expect(
    [parkedAt.offset, parkedAt.outcome === "finished" ? parkedAt.nextOffset : undefined],
    `the page shows the offset the last read asked from or was answered with\n${log.describe()}`,
  ).toContain(offsetWhenPaused);
  const serverWhenPaused = await demo.streamText(generation.url);
  await page.waitForTimeout(1500);

  expect(log.openLive(), `no live request open while hidden\n${log.describe()}`).toEqual([]);
  expect(log.since(pausedAt), `no request at all while hidden\n${log.describe()}`).toEqual([]);
  await expect(badge).toHaveAttribute("data-status", "paused");
  expect((await text.textContent()) ?? "", "nothing renders while hidden").toBe(textWhenPaused);
  const serverWhileHidden = await demo.streamText(generation.url);
  expect(
    serverWhileHidden.length,
    "the generator appended while the tab was hidden",
  ).toBeGreaterThan(serverWhenPaused.length);

  const shownAt = Date.now();
  await setPageHidden(page, false);
  await expect(badge).toHaveAttribute("data-status", /live|closed/, { timeout: 10_000 });
  const resumed = log.since(shownAt)[0];
  expect(resumed, "a read once shown again").toBeDefined();
  expect(
    { live: resumed!.live, offset: resumed!.offset },
    `shown again, it first catches up (a plain GET) from where it paused\n${log.describe()}`,
  ).toEqual({ live: null, offset: offsetWhenPaused });
  await expect(text).toContainText(serverWhileHidden.trim().split(/\s+/).at(-1)!, {
    timeout: 10_000,
  });

  await demo.waitUntilDone(generation.id);
  await expect(badge).toHaveAttribute("data-status", "closed", { timeout: 20_000 });
  const server = await demo.streamText(generation.url);
  expectTokens(server, TOKENS, "the server's stream");
  await expect
    .poll(async () => textDifference((await text.textContent()) ?? "", server), {
      message: `the page shows exactly the server's stream${log.diagnose()}`,
    })
    .toBeNull();
  expectTokens((await text.textContent()) ?? "", TOKENS, "the page's text");
});
