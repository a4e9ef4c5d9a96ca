import { expect, test, type Page } from "@playwright/test";
import { LONG_CHAT_SIZE } from "../stories/support/fixtures";

/**
 * `<VirtualStreamList>` in real Chromium, with real layout and
 * ResizeObserver: the built Storybook's LongChat story (10,000 messages of
 * differing heights, then one every 250 ms from the story's in-memory
 * server; the data path itself is tested against the reference server in
 * test/virtual). It starts at the end, follows new messages while at the
 * end, keeps the reader's place when scrolled up, keeps only a window of
 * rows in the page, and never lets rows overlap.
 */

const STORY = "components-virtualstreamlist--long-chat";

interface ListView {
  /** Messages the stream holds, from the story's counter. */
  count: number;
  scrollTop: number;
  /** Pixels between the viewport's bottom and the list's end. */
  fromEnd: number;
  rows: Array<{ text: string; top: number; bottom: number }>;
}

/** The list's scroll state and its rendered rows, positions relative to the viewport's top. */
function readList(page: Page): Promise<ListView> {
  return page.evaluate(() => {
    const list = document.querySelector<HTMLElement>('[role="list"][aria-label="Long chat"]')!;
    const box = list.getBoundingClientRect();
    const count = Number.parseInt(
      document.querySelector('[data-testid="message-count"]')?.textContent ?? "0",
      10,
    );
    const rows = [...list.querySelectorAll<HTMLElement>('[role="listitem"]')].map((row) => {
      const rect = row.getBoundingClientRect();
      return {
        text: row.textContent ?? "",
        top: rect.top - box.top,
        bottom: rect.bottom - box.top,
      };
    });
    return {
      count,
      scrollTop: list.scrollTop,
      fromEnd: list.scrollHeight - list.scrollTop - list.clientHeight,
      rows,
    };
  });
}

/** Rows in document order never overlap: each starts at or below the previous one's end. */
function overlaps(view: ListView): string[] {
  const found: string[] = [];
  for (let i = 1; i < view.rows.length; i++) {
    const [above, below] = [view.rows[i - 1]!, view.rows[i]!];
    if (below.top < above.bottom - 0.5) found.push(`${above.text} / ${below.text}`);
  }
  return found;
}

/** The first row whose bottom is inside the viewport. */
const firstVisible = (view: ListView) => view.rows.find((row) => row.bottom > 0.5);

/** The text of message `n` begins like this (the author comes first). */
const messageText = (n: number) => new RegExp(`^\\w+message ${n}(:|$)`);

async function waitForMessages(page: Page, atLeast: number): Promise<ListView> {
  await expect
    .poll(async () => (await readList(page)).count, { timeout: 20_000 })
    .toBeGreaterThanOrEqual(atLeast);
  return readList(page);
}

/** At the end and showing the last message, once the list has caught up with the stream. */
async function expectFollowing(page: Page): Promise<void> {
  await expect
    .poll(
      async () => {
        const view = await readList(page);
        const last = view.rows.at(-1);
        return (
          view.fromEnd <= 1 && last !== undefined && messageText(view.count - 1).test(last.text)
        );
      },
      { message: "scrolled to the end, the last message shown" },
    )
    .toBe(true);
}

test("VirtualStreamList: starts at the end, follows, keeps the reader's place, windowed rows", async ({
  page,
}) => {
  const base = process.env.E2E_STORYBOOK_URL;
  expect(base, "the global setup serves storybook-static").toBeTruthy();
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  const url = new URL("iframe.html", base);
  url.searchParams.set("id", STORY);
  url.searchParams.set("viewMode", "story");
  await page.goto(url.href);
  await page.getByRole("list", { name: "Long chat" }).waitFor();

  await test.step("starts at the end with only a window of rows in the page", async () => {
    const view = await waitForMessages(page, LONG_CHAT_SIZE);
    await expectFollowing(page);
    expect(view.rows.length, "rows in the page").toBeGreaterThan(5);
    expect(view.rows.length, "rows in the page").toBeLessThan(100);
    expect(overlaps(await readList(page))).toEqual([]);
  });

  await test.step("follows new messages while at the end", async () => {
    const before = (await readList(page)).count;
    await waitForMessages(page, before + 8);
    await expectFollowing(page);
    expect(overlaps(await readList(page))).toEqual([]);
  });

  let anchor: { text: string; top: number } | undefined;
  await test.step("scrolled up, new messages do not move what the reader sees", async () => {
    await page.evaluate(() => {
      const list = document.querySelector<HTMLElement>('[role="list"][aria-label="Long chat"]')!;
      list.scrollTop = list.scrollHeight / 2;
    });
    // Let the rows in the new window render and be measured before taking the reference.
    await expect
      .poll(async () => {
        const view = await readList(page);
        return firstVisible(view)?.text.match(/message (\d+)/)?.[1];
      })
      .toMatch(/^\d+$/);
    await page.waitForTimeout(500);
    const view = await readList(page);
    anchor = firstVisible(view);
    expect(anchor, "a row at the top of the viewport").toBeDefined();
    const number = Number(anchor!.text.match(/message (\d+)/)![1]);
    expect(number).toBeGreaterThan(LONG_CHAT_SIZE / 4);
    expect(number).toBeLessThan((LONG_CHAT_SIZE * 3) / 4);

    const after = await waitForMessages(page, view.count + 8);
    const now = firstVisible(after);
    expect(now?.text).toBe(anchor!.text);
    expect(Math.abs(now!.top - anchor!.top), "the top row's position, px").toBeLessThanOrEqual(1);
    expect(after.fromEnd, "far from the end").toBeGreaterThan(1_000);
    expect(overlaps(after)).toEqual([]);
  });

  await test.step("back at the end, it follows again", async () => {
    await page.evaluate(() => {
      const list = document.querySelector<HTMLElement>('[role="list"][aria-label="Long chat"]')!;
      list.scrollTop = list.scrollHeight;
    });
    await expectFollowing(page);
    const before = (await readList(page)).count;
    await waitForMessages(page, before + 4);
    await expectFollowing(page);
    expect(overlaps(await readList(page))).toEqual([]);
  });

  expect(errors, "uncaught errors in the page").toEqual([]);
});
