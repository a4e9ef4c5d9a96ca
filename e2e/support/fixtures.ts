import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  test as base,
  expect,
  type APIRequestContext,
  type Locator,
  type Page,
  type TestInfo,
} from "@playwright/test";
import { RequestLog } from "./requests";
import { tokenAt } from "../../demo/server/generations";

export { expect };

const ROOT = resolve(import.meta.dirname, "..", "..");

/** What `POST /api/generate` answers. */
export interface Generation {
  id: string;
  /** The stream's path, `/streams/generations/<id>`. */
  url: string;
}

/** What `GET /api/generations/<id>` answers. */
export interface GenerationInfo extends Generation {
  tokens: number;
  rate: number;
  done: boolean;
}

/** The demo server, through its HTTP API (the contract in the e2e brief). */
export class Demo {
  constructor(
    readonly baseUrl: string,
    private readonly request: APIRequestContext,
  ) {}

  href(path: string): string {
    return new URL(path, this.baseUrl).href;
  }

  /** Opens a hash route (`#/board`) and waits for an element of it. */
  async open(page: Page, route: string, readyTestId: string): Promise<void> {
    await page.goto(this.href(`/${route}`));
    await expect(page.getByTestId(readyTestId).first()).toBeVisible({ timeout: 20_000 });
  }

  async generate(options: { rate: number; tokens: number }): Promise<Generation> {
    const response = await this.request.post(this.href("/api/generate"), { data: options });
    expect(response.status(), await response.text()).toBeLessThan(300);
    const body = (await response.json()) as Generation;
    expect(body.id, "POST /api/generate answers an id").toBeTruthy();
    expect(body.url, "POST /api/generate answers the stream URL").toContain(
      `/streams/generations/${body.id}`,
    );
    return body;
  }

  async info(id: string): Promise<GenerationInfo> {
    const response = await this.request.get(this.href(`/api/generations/${id}`));
    expect(response.status(), await response.text()).toBe(200);
    return (await response.json()) as GenerationInfo;
  }

  async waitUntilDone(id: string, timeout = 30_000): Promise<void> {
    await expect
      .poll(async () => (await this.info(id)).done, {
        message: `generation ${id} finishes`,
        timeout,
      })
      .toBe(true);
  }

  /** Everything a stream holds, read with plain catch-up GETs through the demo's proxy. */
  async streamText(streamUrl: string): Promise<string> {
    let offset = "-1";
    let text = "";
    for (let i = 0; i < 1000; i++) {
      const url = new URL(this.href(streamUrl));
      url.searchParams.set("offset", offset);
      const response = await this.request.get(url.href);
      expect(response.status(), `GET ${url.pathname}${url.search}`).toBe(200);
      text += await response.text();
      const headers = response.headers();
      const next = headers["stream-next-offset"];
      expect(next, "Stream-Next-Offset").toBeTruthy();
      if ("stream-up-to-date" in headers || next === offset) return text;
      offset = next!;
    }
    throw new Error(`${streamUrl} never reached up to date`);
  }
}

/** `t00000`, `t00001`, ...: the token the generator writes at `index`, without its separator. */
export function token(index: number): string {
  return tokenAt(index).trimEnd();
}

/** Where two texts first differ, with a little context, or null when they are equal. */
export function textDifference(actual: string, expected: string): string | null {
  if (actual === expected) return null;
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  const around = (text: string) => JSON.stringify(text.slice(Math.max(0, i - 30), i + 30));
  return (
    `lengths ${actual.length} vs ${expected.length}; first difference at ${i}: ` +
    `${around(actual)} vs expected ${around(expected)}`
  );
}

/**
 * Asserts `text` is exactly tokens 0..count-1, each once, in order, each
 * followed by its space or line break.
 */
export function expectTokens(text: string, count: number, what: string): void {
  const tokens = text.split(/\s+/).filter((t) => t !== "");
  const expected = Array.from({ length: count }, (_, i) => token(i));
  const seen = new Set<string>();
  const duplicates = tokens.filter((t) => (seen.has(t) ? true : (seen.add(t), false)));
  expect(duplicates.slice(0, 20), `${what}: no token twice`).toEqual([]);
  const missing = expected.filter((t) => !seen.has(t));
  expect(missing.slice(0, 20), `${what}: no token missing (${missing.length} missing)`).toEqual([]);
  const outOfOrder = tokens.findIndex((t, i) => t !== expected[i]);
  expect(outOfOrder, `${what}: tokens in order (index of the first one out of place)`).toBe(-1);
  expect(
    textDifference(text, expected.map((_, index) => tokenAt(index)).join("")),
    `${what}: exactly "t00000 t00001 ... " with nothing else`,
  ).toBeNull();
}

/** The status badge (the element with `data-status`) inside a container test id. */
export function statusBadge(page: Page, containerTestId: string): Locator {
  return page
    .locator(
      `[data-testid="${containerTestId}"][data-status], [data-testid="${containerTestId}"] [data-status]`,
    )
    .first();
}

/**
 * Records every status a badge shows, in the page (a MutationObserver from an
 * init script, so it survives reloads and sees states that last one frame).
 * Read it with {@link statusHistory}.
 */
export async function recordStatuses(page: Page, containerTestId: string): Promise<void> {
  await page.addInitScript((testId) => {
    const w = window as unknown as { __e2eStatuses?: string[] };
    w.__e2eStatuses = [];
    const read = () => {
      const badge = document.querySelector(
        `[data-testid="${testId}"][data-status], [data-testid="${testId}"] [data-status]`,
      );
      const status = badge?.getAttribute("data-status");
      const list = w.__e2eStatuses!;
      if (status && list[list.length - 1] !== status) list.push(status);
    };
    new MutationObserver(read).observe(document, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ["data-status"],
    });
  }, containerTestId);
}

export async function statusHistory(page: Page): Promise<string[]> {
  return page.evaluate(
    () => (window as unknown as { __e2eStatuses?: string[] }).__e2eStatuses ?? [],
  );
}

/**
 * Makes the page look hidden (or visible again) to its scripts: headless
 * Chromium has no window to minimise, so this overrides
 * `document.visibilityState`/`document.hidden` and fires `visibilitychange`,
 * which is what the library listens to.
 */
export async function setPageHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((isHidden) => {
    Object.defineProperty(document, "visibilityState", {
      configurable: true,
      get: () => (isHidden ? "hidden" : "visible"),
    });
    Object.defineProperty(document, "hidden", { configurable: true, get: () => isHidden });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

/**
 * The checkpoint the library keeps in IndexedDB under `key` (its default
 * database "react-durable-streams", store "checkpoints", which the demo uses).
 */
export async function readCheckpoint(
  page: Page,
  key: string,
): Promise<{ offset: string; closed: boolean } | undefined> {
  return page.evaluate(
    (k) =>
      new Promise<{ offset: string; closed: boolean } | undefined>((resolve, reject) => {
        const open = indexedDB.open("react-durable-streams");
        let missing = false;
        // Never create the database here: the library's own open must be the one that does.
        open.onupgradeneeded = () => {
          missing = true;
          open.transaction?.abort();
        };
        open.onerror = () => (missing ? resolve(undefined) : reject(open.error));
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains("checkpoints")) {
            db.close();
            resolve(undefined);
            return;
          }
          const request = db.transaction("checkpoints").objectStore("checkpoints").get(k);
          request.onerror = () => reject(request.error);
          request.onsuccess = () => {
            const record = request.result as { offset?: string; closed?: boolean } | undefined;
            db.close();
            resolve(
              record?.offset ? { offset: record.offset, closed: !!record.closed } : undefined,
            );
          };
        };
      }),
    key,
  );
}

/**
 * A screenshot of the viewport, attached to the report; with
 * UPDATE_SCREENSHOTS=1 also written to docs/screenshots/e2e-<name>.png (a test
 * run leaves the checkout as it found it).
 */
export async function screenshot(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  await page.bringToFront();
  const body = await page.screenshot();
  if (process.env.UPDATE_SCREENSHOTS === "1") {
    const dir = join(ROOT, "docs", "screenshots");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `e2e-${name}.png`), body);
  }
  await testInfo.attach(`e2e-${name}.png`, { body, contentType: "image/png" });
}

/** Makes a {@link RequestLog} for requests matching `filter` (attach it to pages). */
export type RequestLogFactory = (filter: (url: URL, method: string) => boolean) => RequestLog;

export const test = base.extend<{
  demo: Demo;
  requestLog: RequestLogFactory;
  failOnPageErrors: void;
}>({
  /** Makes request logs; a failed test gets each one, in full, attached to its report. */
  requestLog: async ({ browserName: _ }, provide, testInfo) => {
    const logs: RequestLog[] = [];
    await provide((filter) => {
      const log = new RequestLog(filter);
      logs.push(log);
      return log;
    });
    if (testInfo.status !== testInfo.expectedStatus) {
      for (const [index, log] of logs.entries()) {
        await testInfo.attach(`requests-${index + 1}.txt`, {
          body: log.describe(log.entries, Infinity),
          contentType: "text/plain",
        });
      }
    }
  },
  demo: async ({ playwright }, provide) => {
    const url = process.env.E2E_DEMO_URL;
    if (!url) {
      throw new Error(
        `The demo is not running: ${process.env.E2E_DEMO_ERROR ?? "E2E_DEMO_URL is not set (global setup did not run?)"}`,
      );
    }
    const request = await playwright.request.newContext();
    await provide(new Demo(url, request));
    await request.dispose();
  },
  /**
   * Any uncaught exception in a page of the test fails it. A failed test also
   * says whether Vite updated or reloaded a page meanwhile (someone editing
   * demo/ during the run), which would explain an unexpected remount.
   */
  failOnPageErrors: [
    async ({ context }, provide, testInfo) => {
      const errors: string[] = [];
      const vite: string[] = [];
      context.on("weberror", (error) => errors.push(String(error.error())));
      context.on("console", (message) => {
        const text = message.text();
        if (text.startsWith("[vite]") && !/\[vite\] connect(ing|ed)/.test(text)) vite.push(text);
      });
      await provide();
      if (testInfo.status !== testInfo.expectedStatus && vite.length > 0) {
        testInfo.annotations.push({
          type: "vite",
          description: `the dev server changed the page during the test: ${vite.join(" | ")}`,
        });
        console.warn(`[e2e] ${testInfo.title}: Vite during the test: ${vite.join(" | ")}`);
      }
      expect(errors, "uncaught exceptions in the page").toEqual([]);
    },
    { auto: true },
  ],
});
