import type { BrowserContext, Page } from "@playwright/test";

/** Opens the benchmark's tabs, all in one browser context. */
export interface TabOpener {
  open(href: string): Promise<Page>;
  /** Closes what the opener itself holds (not the tabs it opened). */
  close(): Promise<void>;
}

/**
 * `sameWindow`: tabs of one window (`context.newPage()`). Headless Chromium
 * then reports every tab visible, yet gives the tabs behind the front one
 * only a few animation frames a second, so anything that waits for a frame
 * lags there by hundreds of ms.
 *
 * Otherwise (the default) each tab is a window of its own, opened with
 * `window.open(url, "_blank", "popup,noopener")` from a blank page: every
 * window is visible and gets its full frame rate, as side-by-side windows
 * would; `noopener` keeps each in a browsing context group (and renderer) of
 * its own, like a tab the user opened.
 */
export async function tabOpener(context: BrowserContext, sameWindow: boolean): Promise<TabOpener> {
  if (sameWindow) {
    return {
      async open(href) {
        const page = await context.newPage();
        await page.goto(href);
        return page;
      },
      close: async () => undefined,
    };
  }
  const opener = await context.newPage();
  await opener.goto("about:blank");
  return {
    async open(href) {
      const features = "popup,noopener,width=1000,height=700";
      const [page] = await Promise.all([
        context.waitForEvent("page", { timeout: 30_000 }),
        opener.evaluate(
          `void window.open(${JSON.stringify(href)}, "_blank", ${JSON.stringify(features)})`,
        ),
      ]);
      await page.waitForLoadState("load");
      return page;
    },
    close: () => opener.close(),
  };
}
