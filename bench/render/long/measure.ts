import type { CDPSession, Page } from "@playwright/test";
import type { LongPageState } from "./protocol.js";

/** The page's JS heap after full garbage collections, in bytes. */
export async function heapAfterGc(cdp: CDPSession): Promise<number> {
  for (let i = 0; i < 3; i++) await cdp.send("HeapProfiler.collectGarbage");
  const { usedSize } = await cdp.send("Runtime.getHeapUsage");
  return usedSize;
}

/** The page's handle; throws when it is gone (the page reloaded or crashed). */
export async function pageState(page: Page): Promise<LongPageState> {
  const state = await page.evaluate(() => window.__longBench?.state());
  if (!state) throw new Error("the long bench page has no window.__longBench");
  return state;
}

/** True once the page's view holds `length` (characters or messages). */
export function reached(page: Page, length: number, timeoutMs: number): Promise<boolean> {
  return page.evaluate(
    ([target, timeout]) => window.__longBench?.reached(target, timeout) ?? false,
    [length, timeoutMs] as const,
  );
}
