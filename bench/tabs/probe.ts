import type { Page } from "@playwright/test";

/** Where the generation page renders the stream's text, and its status badge. */
export const TEXT_SELECTOR = '[data-testid="generation-text"]';
export const LIVE_SELECTOR =
  '[data-testid="generation-status"][data-status="live"], ' +
  '[data-testid="generation-status"] [data-status="live"]';

/** `m0007`: the marker of append `index`, fixed width so that no marker contains another. */
export function marker(index: number): string {
  return `m${String(index).padStart(4, "0")}`;
}

/**
 * Installed in the page after load: a MutationObserver on the whole body that,
 * on every change, scans the generation text for markers and records the wall
 * clock (`performance.timeOrigin + performance.now()`) at which each one first
 * appears. Plain JavaScript in a string: a function would be serialized as tsx
 * compiled it, helper calls included, which do not exist in the page.
 */
const INSTALL_PROBE = `(() => {
  if (window.__benchTabs) return;
  const seen = {};
  window.__benchTabs = seen;
  const scan = () => {
    const at = performance.timeOrigin + performance.now();
    const element = document.querySelector(${JSON.stringify(TEXT_SELECTOR)});
    const text = element ? element.textContent || "" : "";
    for (const match of text.matchAll(/m\\d{4}/g)) {
      if (!(match[0] in seen)) seen[match[0]] = at;
    }
  };
  new MutationObserver(scan).observe(document.body, {
    subtree: true,
    childList: true,
    characterData: true,
  });
  scan();
})()`;

/** How far the page's `performance.timeOrigin + performance.now()` is from its `Date.now()`, ms. */
const CLOCK_SKEW = `performance.timeOrigin + performance.now() - Date.now()`;

/** Starts recording when markers appear in `page`. */
export async function installProbe(page: Page): Promise<void> {
  await page.evaluate(INSTALL_PROBE);
}

/** The markers seen so far in `page`, each with the wall-clock time it first appeared (ms). */
export async function seenMarkers(page: Page): Promise<Record<string, number>> {
  return (await page.evaluate("window.__benchTabs || {}")) as Record<string, number>;
}

export async function clockSkew(page: Page): Promise<number> {
  return (await page.evaluate(CLOCK_SKEW)) as number;
}

/** Animation frames the page gets in half a second, times two: its frame rate now. */
const FRAME_RATE = `new Promise((resolve) => {
  let frames = 0;
  const start = performance.now();
  const tick = () => {
    if (performance.now() - start >= 500) return resolve(frames * 2);
    frames++;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  setTimeout(() => resolve(frames * 2), 1500);
})`;

export async function frameRate(page: Page): Promise<number> {
  return (await page.evaluate(FRAME_RATE)) as number;
}
