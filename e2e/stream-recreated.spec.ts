import type { Page, TestInfo } from "@playwright/test";
import {
  expect,
  readCheckpoint,
  statusBadge,
  test,
  textDifference,
  type Demo,
} from "./support/fixtures";
import type { LoggedRequest, RequestLog } from "./support/requests";
import { appendToStream, createStream, deleteStream, runId, words } from "./support/streams-admin";

/**
 * A stream deleted and created again under the same URL (a dev server reset)
 * while the browser holds an IndexedDB checkpoint of the old one. The
 * generation page persists its view (`persist: "generation-<id>"`), so it is
 * opened on a text stream the test writes itself. The old checkpoint's offset
 * is past the new stream's tail: the page must drop it and show the new
 * stream, exactly, live, without a request storm.
 */

/** Requests to the stream in a quiet window after the page settles: a live read, not a loop. */
const QUIET_WINDOW_MS = 3000;
const MAX_REQUESTS_QUIET = 12;

const OLD = words("old", 60);
const NEW = words("new", 8);
const NEW_LIVE = words("new", 4, 8);

interface Setup {
  id: string;
  path: string;
  key: string;
  log: RequestLog;
  oldTail: string;
}

function shownText(page: Page): Promise<string> {
  return page
    .getByTestId("generation-text")
    .textContent()
    .then((t) => t ?? "");
}

/** Records, per document, whether the generation text ever held `marker`. */
async function watchFor(page: Page, marker: string): Promise<void> {
  await page.addInitScript((m) => {
    const w = window as unknown as { __e2eSawMarker?: boolean };
    w.__e2eSawMarker = false;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="generation-text"]')?.textContent ?? "";
      if (text.includes(m)) w.__e2eSawMarker = true;
    }).observe(document, { subtree: true, childList: true, characterData: true });
  }, marker);
}

function sawMarker(page: Page): Promise<boolean> {
  return page.evaluate(() => !!(window as unknown as { __e2eSawMarker?: boolean }).__e2eSawMarker);
}

/** The reads of the current document: those made after its navigation (see generation.spec.ts). */
function readsSince(log: RequestLog, navigations: number): LoggedRequest[] {
  return log.entries.filter((e) => e.navigation > navigations && e.method === "GET");
}

async function expectShows(page: Page, log: RequestLog, expected: string, what: string) {
  await expect
    .poll(async () => textDifference(await shownText(page), expected), {
      message: `${what}\n${log.describe()}`,
      timeout: 15_000,
    })
    .toBeNull();
  await expect(statusBadge(page, "generation-status")).toHaveAttribute("data-status", "live");
}

/**
 * Creates a text stream with {@link OLD}, opens the generation page on it,
 * waits for its checkpoint at the tail, and reloads: the page resumes from
 * the checkpoint (its first read is at the saved offset, not from the start).
 */
async function openAndResume(
  page: Page,
  demo: Demo,
  requestLog: (filter: (url: URL, method: string) => boolean) => RequestLog,
): Promise<Setup> {
  const id = `e2e-re-${runId()}`;
  const path = `/streams/generations/${id}`;
  const key = `generation-${id}`;
  const oldTail = await createStream(demo, path, "text/plain", OLD);
  const log = requestLog((url) => url.pathname === path).attach(page);
  await demo.open(page, `#/generate/${id}`, "generation-text");
  await expectShows(page, log, OLD, "the page shows the old stream");
  await expect
    .poll(async () => (await readCheckpoint(page, key))?.offset, {
      message: `a checkpoint "${key}" at the old stream's tail ${oldTail}`,
    })
    .toBe(oldTail);

  const navigations = log.navigations();
  await page.reload();
  await expect
    .poll(() => readsSince(log, navigations).length, { message: "a read after the reload" })
    .toBeGreaterThan(0);
  expect(
    readsSince(log, navigations)[0]!.offset,
    `after a reload, the page resumes at its checkpoint\n${log.describe()}`,
  ).toBe(oldTail);
  await expectShows(page, log, OLD, "after the reload the page shows the old stream");
  return { id, path, key, log, oldTail };
}

/** Deletes the stream and creates it again, shorter: the old checkpoint's offset is past its tail. */
async function recreate(demo: Demo, setup: Setup): Promise<string> {
  await deleteStream(demo, setup.path);
  const newTail = await createStream(demo, setup.path, "text/plain", NEW);
  expect(newTail < setup.oldTail, `new tail ${newTail} before old ${setup.oldTail}`).toBe(true);
  expect(await demo.streamText(setup.path)).toBe(NEW);
  return newTail;
}

/**
 * With the page on the recreated stream: exactly its content and live, a
 * quiet window without a storm, the checkpoint replaced by the new stream's,
 * a reload that resumes from that one, and live appends still arriving.
 */
async function expectOnNewStream(
  page: Page,
  demo: Demo,
  setup: Setup,
  newTail: string,
  navigations: number,
  testInfo: TestInfo,
): Promise<void> {
  const { log, path, key, oldTail } = setup;
  await expectShows(page, log, NEW, "the page shows exactly the new stream, none of the old");
  const reads = readsSince(log, navigations);
  expect(
    reads.some((e) => e.offset === "-1"),
    `the page read the new stream from the start\n${log.describe()}`,
  ).toBe(true);
  testInfo.annotations.push({
    type: "recreated",
    description:
      `reads of this document: ${reads.map((e) => `${e.offset}${e.live ? `/${e.live}` : ""}`).join(", ")}; ` +
      `old text shown at some point: ${await sawMarker(page)}`,
  });

  const quietFrom = Date.now();
  // The measured window: nothing to wait for, the point is what happens in it.
  await page.waitForTimeout(QUIET_WINDOW_MS);
  const quiet = log.since(quietFrom);
  expect(
    quiet.length,
    `at most ${MAX_REQUESTS_QUIET} requests in ${QUIET_WINDOW_MS} ms once settled\n${log.describe(quiet)}`,
  ).toBeLessThanOrEqual(MAX_REQUESTS_QUIET);
  expect(await shownText(page)).toBe(NEW);
  await expect(statusBadge(page, "generation-status")).toHaveAttribute("data-status", "live");
  expect(log.openLive().length, `one live read open\n${log.describe()}`).toBe(1);

  await expect
    .poll(async () => (await readCheckpoint(page, key))?.offset, {
      message: `the checkpoint moves to the new stream's tail ${newTail} (it held ${oldTail})`,
    })
    .toBe(newTail);

  const beforeReload = log.navigations();
  await page.reload();
  await expect
    .poll(() => readsSince(log, beforeReload).length, { message: "a read after the reload" })
    .toBeGreaterThan(0);
  const after = readsSince(log, beforeReload);
  expect(
    after[0]!.offset,
    `reloaded again, the page resumes at the new stream's checkpoint\n${log.describe()}`,
  ).toBe(newTail);
  await expectShows(page, log, NEW, "reloaded again, the page shows the new stream");
  await appendToStream(demo, path, "text/plain", NEW_LIVE);
  await expectShows(page, log, NEW + NEW_LIVE, "a live append to the new stream shows");
  expect(
    readsSince(log, beforeReload).filter((e) => e.offset === "-1" || e.offset === oldTail),
    `no read from the start or from the old offset after the second reload\n${log.describe()}`,
  ).toEqual([]);
}

test.describe("stream recreated under the same URL", () => {
  test("reopened after a reset while away: the old checkpoint is dropped, the new stream shows", async ({
    page,
    demo,
    requestLog,
  }, testInfo) => {
    await watchFor(page, "old000");
    const setup = await openAndResume(page, demo, requestLog);
    // Away while the stream is reset: only the IndexedDB checkpoint knows the old stream.
    await page.goto("about:blank");
    const newTail = await recreate(demo, setup);

    const navigations = setup.log.navigations();
    await demo.open(page, `#/generate/${setup.id}`, "generation-text");
    await expect
      .poll(() => readsSince(setup.log, navigations).length, { message: "a read after reopening" })
      .toBeGreaterThan(0);
    expect(
      readsSince(setup.log, navigations)[0]!.offset,
      `reopened, the page first resumes at the old checkpoint\n${setup.log.describe()}`,
    ).toBe(setup.oldTail);
    await expectOnNewStream(page, demo, setup, newTail, navigations, testInfo);
  });

  test("reset while the page follows it, then reloaded: the new stream shows", async ({
    page,
    demo,
    requestLog,
  }, testInfo) => {
    await watchFor(page, "old000");
    const setup = await openAndResume(page, demo, requestLog);
    const newTail = await recreate(demo, setup);
    const statusBefore = await statusBadge(page, "generation-status").getAttribute("data-status");
    testInfo.annotations.push({
      type: "before reload",
      description: `status right after the reset: ${statusBefore}`,
    });

    const navigations = setup.log.navigations();
    await page.reload();
    await expectOnNewStream(page, demo, setup, newTail, navigations, testInfo);
  });
});
