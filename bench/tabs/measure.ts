import type { BrowserContext, Page } from "@playwright/test";
import type { DemoApi, LiveRequestCount } from "./demo-api.js";
import { tabOpener } from "./tabs.js";
import { clockSkew, frameRate, installProbe, LIVE_SELECTOR, marker, seenMarkers } from "./probe.js";

/** One run: `tabs` pages on one fresh stream, cross-tab sharing on or off. */
export interface RunConfig {
  readonly tabs: number;
  readonly crossTab: boolean;
  readonly appends: number;
  readonly intervalMs: number;
  /** Tabs of one window instead of one window per tab (see {@link tabOpener}). */
  readonly sameWindow: boolean;
}

export interface RunResult {
  readonly config: RunConfig;
  /** Live requests at the server from the reset (all tabs live) until every tab showed every append. */
  readonly live: LiveRequestCount;
  /** Live requests open when the count was reset. */
  readonly openAtReset: number;
  /** `latencies[tab][append]`: POST start to the marker in the page, ms. */
  readonly latencies: readonly (readonly number[])[];
  /** The largest |page clock − page Date.now()| seen, ms: how far the two clocks may disagree. */
  readonly clockSkewMs: number;
  /** Each tab's animation frames per second once live, before the appends. */
  readonly frameRates: readonly number[];
}

/** A run that could not be measured, with the reason (which tab, which message). */
export class RunFailure extends Error {
  override readonly name = "RunFailure";
}

/** How long after its POST a tab may take to show a message. */
export const RENDER_TIMEOUT_MS = 10_000;
const LIVE_TIMEOUT_MS = 30_000;

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, Math.max(0, ms)));

export function describeConfig(config: Pick<RunConfig, "tabs" | "crossTab">): string {
  return `${config.tabs} tab${config.tabs === 1 ? "" : "s"}, crossTab ${config.crossTab ? "on" : "off"}`;
}

async function badgeStatus(page: Page): Promise<string> {
  const badge = page
    .locator(
      '[data-testid="generation-status"][data-status], [data-testid="generation-status"] [data-status]',
    )
    .first();
  return (await badge.getAttribute("data-status", { timeout: 1000 }).catch(() => null)) ?? "none";
}

async function waitLive(page: Page, label: string): Promise<void> {
  try {
    await page.waitForSelector(LIVE_SELECTOR, { timeout: LIVE_TIMEOUT_MS });
  } catch {
    const status = await badgeStatus(page);
    throw new RunFailure(
      `${label} never went live within ${LIVE_TIMEOUT_MS / 1000} s (status badge: ${status})`,
    );
  }
}

/** Opens the tabs one after the other, each live before the next, then checks all again. */
async function openTabs(
  context: BrowserContext,
  api: DemoApi,
  config: RunConfig,
  id: string,
  pages: Page[],
): Promise<void> {
  const href = api.href(`/${config.crossTab ? "" : "?crossTab=0"}#/generate/${id}`);
  const label = (index: number) => `tab ${index + 1}/${config.tabs}`;
  const opener = await tabOpener(context, config.sameWindow);
  try {
    for (let index = 0; index < config.tabs; index++) {
      const page = await opener.open(href);
      pages.push(page);
      await waitLive(page, label(index));
      await installProbe(page);
    }
  } finally {
    await opener.close();
  }
  for (const [index, page] of pages.entries()) await waitLive(page, label(index));
}

/** Appends `appends` markers, one every `intervalMs`; answers Date.now() taken just before each POST. */
async function appendAll(api: DemoApi, path: string, config: RunConfig): Promise<number[]> {
  const sentAt: number[] = [];
  const start = Date.now();
  for (let index = 0; index < config.appends; index++) {
    await sleep(start + index * config.intervalMs - Date.now());
    sentAt.push(Date.now());
    await api.append(path, `${marker(index)} `);
  }
  return sentAt;
}

/** Polls every tab until each has shown every marker or the last one's deadline passed. */
async function collectSeen(
  pages: readonly Page[],
  count: number,
  deadline: number,
): Promise<Record<string, number>[]> {
  const markers = Array.from({ length: count }, (_, index) => marker(index));
  for (;;) {
    const seen = await Promise.all(pages.map(seenMarkers));
    const complete = seen.every((tab) => markers.every((m) => tab[m] !== undefined));
    if (complete || Date.now() > deadline) return seen;
    await sleep(50);
  }
}

/** Latencies per tab and append; throws a {@link RunFailure} naming each late or missing message. */
function latenciesOf(
  seen: readonly Record<string, number>[],
  sentAt: readonly number[],
): number[][] {
  const problems: string[] = [];
  const latencies = seen.map((tab, tabIndex) =>
    sentAt.map((sent, index) => {
      const at = tab[marker(index)];
      const latency = at === undefined ? Number.POSITIVE_INFINITY : at - sent;
      if (latency > RENDER_TIMEOUT_MS) {
        problems.push(
          `tab ${tabIndex + 1} ${at === undefined ? "never showed" : `showed only after ${(latency / 1000).toFixed(1)} s`} ` +
            `${marker(index)}`,
        );
      }
      return latency;
    }),
  );
  if (problems.length > 0) {
    const shown = problems.slice(0, 8).join("; ");
    const more = problems.length > 8 ? `; and ${problems.length - 8} more` : "";
    throw new RunFailure(
      `${problems.length} message(s) not shown within ` +
        `${RENDER_TIMEOUT_MS / 1000} s of their POST: ${shown}${more}`,
    );
  }
  return latencies;
}

/** One measured run on a fresh stream; the pages it opens are closed again, whatever happens. */
export async function measureRun(
  context: BrowserContext,
  api: DemoApi,
  config: RunConfig,
  progress: (text: string) => void,
): Promise<RunResult> {
  const id = `bench-tabs-${Date.now().toString(36)}-${config.tabs}-${config.crossTab ? "on" : "off"}`;
  const path = `/streams/generations/${id}`;
  await api.createTextStream(path);
  const pages: Page[] = [];
  try {
    progress(`${describeConfig(config)}: opening ${config.tabs} tab(s) on ${path}`);
    await openTabs(context, api, config, id, pages);
    await sleep(300); // let the tabs settle (leader chosen, followers listening)
    const frameRates = await Promise.all(pages.map(frameRate));
    const reset = await api.resetLiveRequests(path);
    progress(`${describeConfig(config)}: all live, ${reset.open} live request(s) open; appending`);
    const sentAt = await appendAll(api, path, config);
    const seen = await collectSeen(pages, config.appends, sentAt.at(-1)! + RENDER_TIMEOUT_MS);
    const live = await api.liveRequests(path);
    const latencies = latenciesOf(seen, sentAt);
    const skews = await Promise.all(pages.map(clockSkew));
    const clockSkewMs = Math.max(...skews.map(Math.abs));
    return { config, live, openAtReset: reset.open, latencies, clockSkewMs, frameRates };
  } finally {
    await Promise.all(pages.map((page) => page.close().catch(() => undefined)));
  }
}
