import type { Page } from "@playwright/test";
import {
  expect,
  expectTokens,
  readCheckpoint,
  recordStatuses,
  statusBadge,
  statusHistory,
  test,
  textDifference,
  type Demo,
  type Generation,
  type RequestLogFactory,
} from "./support/fixtures";
import type { LoggedRequest, RequestLog } from "./support/requests";

/** Opens the generate page, starts a generation through the API and shows it (hash route, no reload). */
async function showNewGeneration(
  page: Page,
  demo: Demo,
  requestLog: RequestLogFactory,
  options: { rate: number; tokens: number },
): Promise<{ generation: Generation; log: RequestLog }> {
  await demo.open(page, "#/generate", "generate");
  const generation = await demo.generate(options);
  const path = new URL(demo.href(generation.url)).pathname;
  // HEADs too: a read's second look at its stream (is it recreated?) shows in a failure's log.
  const log = requestLog(
    (url, method) => (method === "GET" || method === "HEAD") && url.pathname === path,
  ).attach(page);
  await page.evaluate((id) => {
    location.hash = `#/generate/${id}`;
  }, generation.id);
  await expect(page).toHaveURL(new RegExp(`#/generate/${generation.id}$`));
  return { generation, log };
}

/**
 * Reloads the page and returns the first stream read of the new document (one
 * made after the reload's navigation: the old document may still start a
 * long-poll, aborted by the unload, while the reload begins).
 */
async function reloadAndWaitForFirstRead(
  page: Page,
  log: RequestLog,
): Promise<{
  first: LoggedRequest;
  afterReload: () => LoggedRequest[];
  before: LoggedRequest[];
}> {
  const navigationsBefore = log.navigations();
  await page.reload();
  const afterReload = () =>
    log.entries.filter((e) => e.method === "GET" && e.navigation > navigationsBefore);
  await expect
    .poll(() => afterReload().length, { timeout: 15_000, message: "a read after the reload" })
    .toBeGreaterThan(0);
  const before = log.entries.filter((e) => e.method === "GET" && e.navigation <= navigationsBefore);
  return { first: afterReload()[0]!, afterReload, before };
}

async function tokenCount(page: Page): Promise<number> {
  const text = (await page.getByTestId("token-count").textContent()) ?? "";
  const match = /\d+/.exec(text.replace(/[,\s]/g, ""));
  return match ? Number(match[0]) : 0;
}

async function shownText(page: Page): Promise<string> {
  return (await page.getByTestId("generation-text").textContent()) ?? "";
}

/** Waits for the generation to end and checks the page shows exactly what the server holds. */
async function expectFinalTextMatchesServer(
  page: Page,
  demo: Demo,
  generation: Generation,
  tokens: number,
  log: RequestLog,
): Promise<void> {
  await demo.waitUntilDone(generation.id);
  await expect(statusBadge(page, "generation-status")).toHaveAttribute("data-status", "closed", {
    timeout: 20_000,
  });
  const server = await demo.streamText(generation.url);
  expectTokens(server, tokens, "the server's stream");
  await expect
    .poll(async () => textDifference(await shownText(page), server), {
      message: `the page shows exactly the server's stream${log.diagnose()}`,
    })
    .toBeNull();
  expectTokens(await shownText(page), tokens, "the page's text");
  await expect.poll(() => tokenCount(page)).toBe(tokens);
  // <StreamText> in pre-wrap text: complete blocks (in groups) of lines, each ending with its line break.
  const blocks = await page
    .getByTestId("generation-text")
    .evaluate((output) =>
      [...(output.querySelectorAll(".output-text > span > span") ?? [])].map(
        (block) => block.textContent ?? "",
      ),
    );
  expect(blocks.length, "the text is laid out in several blocks").toBeGreaterThan(1);
  expect(blocks.every((block) => block.endsWith("\n"))).toBe(true);
}

test.describe("generation", () => {
  test("a reload mid-generation resumes at the saved checkpoint, no token twice or missing", async ({
    page,
    demo,
    requestLog,
  }) => {
    const TOKENS = 1500;
    const { generation, log } = await showNewGeneration(page, demo, requestLog, {
      rate: 150,
      tokens: TOKENS,
    });
    const key = `generation-${generation.id}`;

    await expect.poll(() => tokenCount(page), { timeout: 15_000 }).toBeGreaterThanOrEqual(40);
    // Past the provider's coalescing interval (1 s), a checkpoint is in IndexedDB.
    await expect
      .poll(async () => (await readCheckpoint(page, key))?.offset, {
        message: `a checkpoint "${key}" is written while streaming`,
      })
      .toBeTruthy();
    const stored = (await readCheckpoint(page, key))!;
    expect((await demo.info(generation.id)).done, "the reload happens mid-generation").toBe(false);

    const { first, afterReload, before } = await reloadAndWaitForFirstRead(page, log);
    // Every offset the old document was given: a checkpoint can only be one of them.
    const seenBefore = new Set(
      before.map((e) => e.nextOffset).filter((o): o is string => typeof o === "string"),
    );
    expect(seenBefore.has(stored.offset), `stored offset ${stored.offset} was served`).toBe(true);
    const detail = `stored in IndexedDB before the reload: ${stored.offset}\nrequests:\n${log.describe()}`;
    expect(first.offset, `the first read after the reload does not start over\n${detail}`).not.toBe(
      "-1",
    );
    // The old document may take in one more answer while it unloads, one whose response
    // event Playwright drops with the navigation: an offset past every logged one is that
    // answer's. Whether state and offset agree is checked below: the final text is exact.
    const lastLogged = [...seenBefore].sort().at(-1) ?? "";
    expect(
      seenBefore.has(first.offset ?? "") || (first.offset ?? "") > lastLogged,
      `the first read after the reload starts at an offset the page had reached\n${detail}`,
    ).toBe(true);
    expect(
      first.offset! >= stored.offset,
      `the first read after the reload starts at or after the stored checkpoint\n${detail}`,
    ).toBe(true);

    await expectFinalTextMatchesServer(page, demo, generation, TOKENS, log);
    const restarts = afterReload().filter((e) => e.offset === "-1");
    expect(
      log.describe(restarts),
      `no read after the reload starts from the beginning\nrequests:\n${log.describe(log.entries, Infinity)}`,
    ).toBe("");
  });

  test("a reload right after data arrived resumes from what was shown (checkpoint at pagehide)", async ({
    page,
    demo,
    requestLog,
  }) => {
    const TOKENS = 1000;
    const { generation, log } = await showNewGeneration(page, demo, requestLog, {
      rate: 100,
      tokens: TOKENS,
    });
    await expect.poll(() => tokenCount(page), { timeout: 15_000 }).toBeGreaterThanOrEqual(10);
    // Before the coalescing timer fired: only the write at pagehide can save this position.
    const shownOffset = (await page.getByTestId("generation-offset").textContent())?.trim() ?? "";
    expect(shownOffset, "the page shows the offset it reached").toMatch(/^[0-9_]+$/);

    const { first } = await reloadAndWaitForFirstRead(page, log);
    const detail = `shown before the reload: ${shownOffset}\nrequests:\n${log.describe()}`;
    expect(first.offset, `the first read after the reload does not start over\n${detail}`).not.toBe(
      "-1",
    );
    expect(
      first.offset! >= shownOffset,
      `the first read after the reload is not behind what was shown\n${detail}`,
    ).toBe(true);
    await expectFinalTextMatchesServer(page, demo, generation, TOKENS, log);
  });

  test("network loss: offline, then back to live and closed, nothing lost", async ({
    page,
    context,
    demo,
    requestLog,
  }) => {
    const TOKENS = 1000;
    await recordStatuses(page, "generation-status");
    const { generation, log } = await showNewGeneration(page, demo, requestLog, {
      rate: 100,
      tokens: TOKENS,
    });
    await expect.poll(() => tokenCount(page), { timeout: 15_000 }).toBeGreaterThanOrEqual(30);
    const badge = statusBadge(page, "generation-status");
    await expect(badge).toHaveAttribute("data-status", "live");

    const offlineAt = Date.now();
    await context.setOffline(true);
    await expect(badge).toHaveAttribute("data-status", "offline", { timeout: 10_000 });
    const shownWhenLost = await shownText(page);
    await page.waitForTimeout(1500);
    // Offline, the page waits for the network rather than trying: a few requests that fail
    // at once would be allowed, no more (e2e/network.spec.ts checks the dropped live read).
    const sinceOffline = log.since(offlineAt);
    expect(sinceOffline.length, `reads while offline\n${log.describe()}`).toBeLessThanOrEqual(3);
    expect(
      (await demo.streamText(generation.url)).length,
      "the generator appended while the page was offline",
    ).toBeGreaterThan(shownWhenLost.length);
    await context.setOffline(false);

    await expectFinalTextMatchesServer(page, demo, generation, TOKENS, log);
    const history = await statusHistory(page);
    const lost = history.indexOf("offline");
    expect(lost, `status history: ${history.join(" → ")}`).toBeGreaterThan(-1);
    expect(history.indexOf("live"), `status history: ${history.join(" → ")}`).toBeLessThan(lost);
    expect(history.at(-1), `status history: ${history.join(" → ")}`).toBe("closed");
    expect(
      history.slice(lost).some((s) => s === "live" || s === "closed"),
      `status history: ${history.join(" → ")}`,
    ).toBe(true);
  });
});
