import { chromium, type Browser } from "@playwright/test";
import { DurableStreamTestServer } from "@durable-streams/server";
import { launchOptions } from "../../e2e/support/browser.js";
import { DurableStreamClient } from "../../src/client/index.js";
import { buildPage } from "./build-page.js";
import { startOrigin, type Origin } from "./origin-server.js";

/** What every render bench runs on: the built page, its origin, the reference server, Chromium. */
export interface BenchSite {
  browser: Browser;
  origin: Origin;
  /** A client on the reference server itself, for creating streams and writing. */
  client: DurableStreamClient;
  streamsUrl: string;
}

/**
 * Builds the page, starts the reference server, the page's origin and
 * Chromium, runs `body`, and stops everything in reverse order, also on failure.
 */
export async function withBenchSite<T>(
  progress: (message: string) => void,
  body: (site: BenchSite) => Promise<T>,
): Promise<T> {
  progress("building the page (Vite, production)");
  const page = await buildPage();
  const reference = new DurableStreamTestServer({ host: "127.0.0.1", port: 0 });
  const stops: Array<() => Promise<unknown>> = [() => page.remove()];
  try {
    const streamsUrl = await reference.start();
    stops.push(() => reference.stop());
    const origin = await startOrigin(page.dir, streamsUrl);
    stops.push(() => origin.close());
    const browser = await chromium.launch(launchOptions());
    stops.push(() => browser.close());
    progress(`${browser.version()} headless, page on ${origin.url}, streams on ${streamsUrl}`);
    const client = new DurableStreamClient({ baseUrl: streamsUrl, warnOnHttp: false });
    return await body({ browser, origin, client, streamsUrl });
  } finally {
    for (const stop of stops.reverse()) await stop().catch(() => undefined);
  }
}
