import { setTimeout as sleep } from "node:timers/promises";
import type { CDPSession, Page } from "@playwright/test";
import type { IdempotentProducer } from "../../../src/client/index.js";
import type { BenchContent } from "./content.js";
import { mainThreadTime } from "../variant.js";
import { pageState, reached } from "./measure.js";

/** What one steady window measured on the page. */
export interface WindowResult {
  /** What the view held when the window began (characters or messages). */
  lengthAtStart: number;
  seconds: number;
  commits: number;
  /** Main-thread time per second of the window (every task). */
  busyMsPerSecond: number;
  layoutMsPerCommit: number;
  scriptMsPerCommit: number;
  rendersPerSecond: number;
  /** The page showed everything written in the window within the timeout. */
  caughtUp: boolean;
}

/** Bursts every 20 ms: a model's tokens arrive in small groups. */
const BURST_EVERY_MS = 20;
const CATCH_UP_TIMEOUT_MS = 30_000;

/**
 * Writes `rate` tokens (or messages) per second for `seconds` while the
 * page shows them, and reads Chromium's main-thread accounting and the
 * page's commit count around it.
 */
export async function steadyWindow(
  page: Page,
  cdp: CDPSession,
  content: BenchContent,
  producer: IdempotentProducer,
  pace: { rate: number; seconds: number },
): Promise<WindowResult> {
  const lengthAtStart = content.length;
  const before = await mainThreadTime(cdp);
  const commitsBefore = (await pageState(page)).commits;
  const startedAt = performance.now();
  const total = Math.round(pace.rate * pace.seconds);
  let written = 0;
  while (written < total) {
    const due = Math.min(
      total,
      Math.floor(((performance.now() - startedAt) / 1000) * pace.rate) + 1,
    );
    for (; written < due; written++) content.appendNext(producer);
    if (written < total) await sleep(BURST_EVERY_MS);
  }
  await producer.flush();
  const caughtUp = await reached(page, content.length, CATCH_UP_TIMEOUT_MS);
  const seconds = (performance.now() - startedAt) / 1000;
  const after = await mainThreadTime(cdp);
  const commits = (await pageState(page)).commits - commitsBefore;
  const perCommit = (ms: number) => (commits > 0 ? ms / commits : 0);
  return {
    lengthAtStart,
    seconds,
    commits,
    busyMsPerSecond: (after.taskMs - before.taskMs) / seconds,
    layoutMsPerCommit: perCommit(after.layoutMs - before.layoutMs),
    scriptMsPerCommit: perCommit(after.scriptMs - before.scriptMs),
    rendersPerSecond: commits / seconds,
    caughtUp,
  };
}
