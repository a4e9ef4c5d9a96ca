import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  expect,
  test,
  type BrowserContext,
  type ConsoleMessage,
  type Page,
} from "@playwright/test";

/**
 * Every story of the built Storybook renders without console errors or
 * uncaught exceptions. Needs `npm run build-storybook` first; a missing build
 * fails (it never skips).
 */

const STATIC_DIR = resolve(import.meta.dirname, "..", "storybook-static");
const INDEX = join(STATIC_DIR, "index.json");

interface IndexEntry {
  id: string;
  type?: string;
  title?: string;
  name?: string;
}

function readStories(): { stories: IndexEntry[] } | { error: string } {
  if (!existsSync(INDEX)) {
    return {
      error: `${INDEX} does not exist: run "npm run build-storybook" before "npm run e2e".`,
    };
  }
  try {
    const index = JSON.parse(readFileSync(INDEX, "utf8")) as {
      entries?: Record<string, IndexEntry>;
      stories?: Record<string, IndexEntry>;
    };
    const entries = Object.values(index.entries ?? index.stories ?? {});
    return { stories: entries.filter((entry) => (entry.type ?? "story") === "story") };
  } catch (error) {
    return { error: `${INDEX} is not a Storybook index: ${String(error)}` };
  }
}

const found = readStories();

test.describe("Storybook", () => {
  if ("error" in found) {
    test("storybook-static is built", () => {
      throw new Error(found.error);
    });
    return;
  }

  // One page for every story (its cache keeps the bundles): each story is still a fresh document.
  let context: BrowserContext;
  let page: Page;
  test.beforeAll(async ({ browser }) => {
    context = await browser.newContext();
    page = await context.newPage();
  });
  test.afterAll(async () => {
    await context.close();
  });

  test("the index lists stories", () => {
    expect(found.stories.length, `stories in ${INDEX}`).toBeGreaterThan(0);
  });

  for (const story of found.stories) {
    test(`${story.id} renders without console errors`, async () => {
      const base = process.env.E2E_STORYBOOK_URL;
      expect(base, "the global setup serves storybook-static").toBeTruthy();
      const errors: string[] = [];
      const onConsole = (message: ConsoleMessage) => {
        if (message.type() === "error") {
          const { url, lineNumber } = message.location();
          errors.push(`console.error: ${message.text()}${url ? ` (${url}:${lineNumber})` : ""}`);
        }
      };
      const onPageError = (error: Error) =>
        errors.push(`pageerror: ${error.stack ?? error.message}`);
      page.on("console", onConsole);
      page.on("pageerror", onPageError);
      test.info().setTimeout(30_000);
      try {
        await renderStory(page, base!, story.id, errors);
      } finally {
        page.off("console", onConsole);
        page.off("pageerror", onPageError);
      }
    });
  }
});

/** Opens one story in the iframe, waits for its render to finish, and checks it showed. */
async function renderStory(page: Page, base: string, id: string, errors: string[]): Promise<void> {
  const url = new URL("iframe.html", base);
  url.searchParams.set("id", id);
  url.searchParams.set("viewMode", "story");
  await page.goto(url.href);

  // Wait until Storybook says the story's render (loaders, render, play) is over.
  const phase = await page
    .waitForFunction(
      () => {
        const preview = (
          window as unknown as {
            __STORYBOOK_PREVIEW__?: { currentRender?: { phase?: string } };
          }
        ).__STORYBOOK_PREVIEW__;
        const current = preview?.currentRender?.phase;
        return current && ["finished", "errored", "aborted"].includes(current) ? current : false;
      },
      undefined,
      { timeout: 15_000 },
    )
    .then((handle) => handle.jsonValue());
  // Effects that run right after the first paint (a fake stream ticking) get a moment too.
  await page.waitForTimeout(300);

  expect(phase, `render phase of ${id}`).toBe("finished");
  await expect(page.locator("body")).not.toHaveClass(/sb-show-errordisplay/);
  await expect(page.locator("#storybook-root"), "the story rendered something").not.toBeEmpty();
  expect(errors, `console errors while rendering ${id}`).toEqual([]);
}
