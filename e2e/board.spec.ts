import type { Page } from "@playwright/test";
import { expect, statusBadge, test } from "./support/fixtures";

const BOARD_PATH = "/streams/board";

async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId("board-input").fill(text);
  await page.getByTestId("board-send").click();
}

function eventTexts(page: Page): Promise<string[]> {
  return page.getByTestId("board-event").getByTestId("board-event-text").allTextContents();
}

test.describe("board", () => {
  test("two tabs: each sees the other's events, both in the same order", async ({
    context,
    demo,
  }) => {
    const run = Math.random().toString(36).slice(2, 8);
    const [a, b] = [await context.newPage(), await context.newPage()];
    await demo.open(a, "#/board", "board-input");
    await demo.open(b, "#/board", "board-input");

    const sent: string[] = [];
    for (let i = 1; i <= 3; i++) {
      for (const [name, page] of [
        ["A", a],
        ["B", b],
      ] as const) {
        const text = `${name}${i} ${run}`;
        await send(page, text);
        sent.push(text);
      }
    }

    for (const page of [a, b]) {
      await expect
        .poll(async () => (await eventTexts(page)).filter((t) => t.includes(run)).length, {
          message: `tab ${page === a ? "A" : "B"} shows all six events`,
        })
        .toBe(sent.length);
    }
    // Other tests may write to the board too: compare whole lists once they agree.
    await expect
      .poll(
        async () => JSON.stringify(await eventTexts(a)) === JSON.stringify(await eventTexts(b)),
        {
          message: "both tabs show the same events in the same order",
        },
      )
      .toBe(true);
    const listA = await eventTexts(a);
    expect(listA).toEqual(await eventTexts(b));
    const ours = listA.filter((t) => t.includes(run));
    expect(new Set(ours).size, "no event shown twice").toBe(ours.length);
    for (const name of ["A", "B"]) {
      expect(
        ours.filter((t) => t.startsWith(name)),
        `tab ${name}'s events appear in the order they were sent`,
      ).toEqual(sent.filter((t) => t.startsWith(name)));
    }
  });

  test("StrictMode dev build: one catch-up GET and never two live requests at once", async ({
    page,
    demo,
    requestLog,
  }) => {
    const log = requestLog((url, method) => method === "GET" && url.pathname === BOARD_PATH).attach(
      page,
    );
    await demo.open(page, "#/board", "board-input");
    await expect
      .poll(() => log.entries.filter((e) => e.live !== null).length, {
        message: "the board goes live",
      })
      .toBeGreaterThan(0);
    await page.waitForTimeout(1500);
    const text = `strict ${Math.random().toString(36).slice(2, 8)}`;
    await send(page, text);
    await expect(page.getByTestId("board-event-text").filter({ hasText: text })).toHaveCount(1);
    await page.waitForTimeout(1000);

    const catchUp = log.entries.filter((e) => e.live === null);
    expect(catchUp.length, `exactly one catch-up GET\n${log.describe()}`).toBe(1);
    expect(catchUp[0]!.offset, "a fresh tab reads from the beginning").toBe("-1");
    expect(log.maxOpenLive.get(0) ?? 0, `never two live requests open\n${log.describe()}`).toBe(1);
    expect(log.openLive().length, log.describe()).toBeLessThanOrEqual(1);
  });

  test("SSE blocked: the board falls back to long-poll and misses nothing", async ({
    context,
    demo,
    requestLog,
  }) => {
    const run = Math.random().toString(36).slice(2, 8);
    const [reader, writer] = [await context.newPage(), await context.newPage()];
    const log = requestLog((url, method) => method === "GET" && url.pathname === BOARD_PATH).attach(
      reader,
    );
    // Every SSE connection of the reader breaks at once (a proxy that does not pass SSE).
    await reader.route(
      (url) => url.pathname === BOARD_PATH && url.searchParams.get("live") === "sse",
      (route) => route.abort("connectionreset"),
    );
    await demo.open(reader, "#/board", "board-input");
    await demo.open(writer, "#/board", "board-input");

    const sent: string[] = [];
    const write = async (i: number) => {
      const text = `W${i} ${run}`;
      await send(writer, text);
      sent.push(text);
    };
    for (let i = 1; i <= 2; i++) await write(i);
    await expect
      .poll(() => log.entries.filter((e) => e.live === "long-poll").length, {
        message: "the reader falls back to long-poll (its requests are attached to the report)",
        timeout: 20_000,
      })
      .toBeGreaterThan(0);
    expect(
      log.entries.filter((e) => e.live === "sse" && e.outcome === "failed").length,
      "SSE was tried first",
    ).toBeGreaterThan(0);
    for (let i = 3; i <= 4; i++) await write(i);

    await expect
      .poll(async () => (await eventTexts(reader)).filter((t) => t.includes(run)), {
        message: "the reader shows every event, in order, once",
      })
      .toEqual(sent);
    await expect(statusBadge(reader, "board-status")).toHaveAttribute("data-status", "live");
    expect(log.maxOpenLive.get(0) ?? 0, log.describe()).toBe(1);
  });
});
