// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DurableStreamClient } from "../../src/client/index.js";
import { VirtualStreamList, type VirtualStreamListProps } from "../../src/virtual/index.js";
import { inProvider } from "../support/react-harness.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";

const server = sharedTestServer();

interface Message {
  id: string;
  text: string;
}

/** The class the test gives the list's scroll container: the only element the layout stand-in below sizes. */
const VIEWPORT = "test-viewport";
const VIEWPORT_HEIGHT = 400;
/** Every row's height as the stand-in "lays it out"; the list is told 40 px, so it must measure. */
const ROW_HEIGHT = 20;

/**
 * jsdom has no layout: every size reads 0. As @tanstack/react-virtual's own
 * tests do, give the virtualizer a deterministic viewport: the scroll
 * container (and nothing else in the page) reports a 400 px client height, a
 * scroll height equal to the sized box inside it, and `scrollTo` moves its
 * `scrollTop` and fires `scroll` on the next task when it moved, clamped like a browser.
 * The chunks the virtualizer measures report an `offsetHeight` (what its
 * `measureElement` reads) of 20 px per row they hold: without a height every
 * chunk would measure 0 px and the virtualizer would rightly render all of
 * them, so the one row dimension is stood in too.
 */
function installLayout(): void {
  const inViewport = (element: Element): HTMLElement | null =>
    element.classList.contains(VIEWPORT) ? (element as HTMLElement) : null;
  const contentHeight = (viewport: HTMLElement) =>
    Number.parseFloat((viewport.firstElementChild as HTMLElement | null)?.style.height ?? "") || 0;
  vi.spyOn(Element.prototype, "clientHeight", "get").mockImplementation(function (this: Element) {
    return inViewport(this) ? VIEWPORT_HEIGHT : 0;
  });
  vi.spyOn(Element.prototype, "clientWidth", "get").mockImplementation(function (this: Element) {
    return inViewport(this) ? 320 : 0;
  });
  vi.spyOn(Element.prototype, "scrollHeight", "get").mockImplementation(function (this: Element) {
    const viewport = inViewport(this);
    return viewport ? Math.max(contentHeight(viewport), VIEWPORT_HEIGHT) : 0;
  });
  vi.spyOn(HTMLElement.prototype, "offsetHeight", "get").mockImplementation(function (
    this: HTMLElement,
  ) {
    // The virtualizer measures chunks of rows: a chunk is as tall as its rows.
    if (!this.hasAttribute("data-index") || !this.closest(`.${VIEWPORT}`)) return 0;
    return this.querySelectorAll("[role=listitem]").length * ROW_HEIGHT;
  });
  Element.prototype.scrollTo = function (this: Element, options?: ScrollToOptions | number) {
    const viewport = inViewport(this);
    if (!viewport || typeof options !== "object" || options.top === undefined) return;
    const max = Math.max(viewport.scrollHeight - viewport.clientHeight, 0);
    const top = Math.min(Math.max(options.top, 0), max);
    if (top === viewport.scrollTop) return; // a browser fires no scroll event when nothing moved
    viewport.scrollTop = top;
    setTimeout(() => viewport.dispatchEvent(new Event("scroll")), 0);
  } as Element["scrollTo"];
}

beforeEach(installLayout);

afterEach(() => {
  // No vitest globals, so Testing Library cannot register its cleanup by itself.
  cleanup();
  vi.restoreAllMocks();
  delete (Element.prototype as Partial<Element>).scrollTo;
});

const message = (n: number): Message => ({ id: `m${n}`, text: `message ${n}` });

/** A JSON stream holding `count` messages, appended in one request (a JSON array appends its elements). */
async function streamOf(count: number) {
  const client = testClient(server(), { warnOnHttp: false });
  const url = uniquePath("virtual");
  const stream = client.stream(url);
  await stream.create({ contentType: "application/json" });
  if (count > 0) {
    await stream.append(JSON.stringify(Array.from({ length: count }, (_, n) => message(n))), {
      contentType: "application/json",
    });
  }
  return { client, url, stream };
}

const renderText = (m: Message) => <span>{m.text}</span>;

function renderList(
  client: DurableStreamClient,
  props: Omit<VirtualStreamListProps<Message>, "children"> & {
    children?: VirtualStreamListProps<Message>["children"];
  },
) {
  return render(
    inProvider(
      client,
      <VirtualStreamList<Message> className={VIEWPORT} getKey={(m) => m.id} {...props}>
        {props.children ?? renderText}
      </VirtualStreamList>,
    ),
  );
}

/**
 * Lets the user's scroll end: the virtualizer counts 150 ms without a scroll
 * event as its end (`isScrollingResetDelay`) and does not re-measure a row
 * while scrolling; a browser's ResizeObserver would catch up later, jsdom has none.
 */
const scrollEnded = () => new Promise((resolve) => setTimeout(resolve, 200));

const rows = () => screen.queryAllByRole("listitem");
const texts = () => rows().map((row) => row.textContent);
const viewport = () => document.querySelector<HTMLElement>(`.${VIEWPORT}`)!;
/** Scrolled to the very end. The total height holds estimates for rows never measured, so it is read, not computed. */
const atEnd = () => viewport().scrollTop === viewport().scrollHeight - VIEWPORT_HEIGHT;

describe("<VirtualStreamList>", () => {
  it("renders only the rows in view plus overscan, measured, from the top", async () => {
    const { client, url } = await streamOf(2_000);
    renderList(client, { url, followOutput: false, estimateSize: () => 40 });
    // 400 px / 20 px measured = rows 0..19, in chunks 0 and 1 (16 rows each),
    // and one chunk of overscan below (8 rows, rounded up to a chunk).
    await waitFor(() => expect(texts().at(-1)).toBe("message 47"));
    expect(rows()).toHaveLength(48);
    expect(texts()[0]).toBe("message 0");
    expect(screen.getByRole("list").getAttribute("data-stream-status")).toBe("live");
    expect(viewport().scrollTop).toBe(0);
    // The sized box is as tall as all 2,000 measured-or-estimated rows, not just the window.
    expect(viewport().scrollHeight).toBeGreaterThan(2_000 * ROW_HEIGHT - 1);
  });

  it("starts at the end with followOutput (the default) and shows the last messages", async () => {
    const { client, url } = await streamOf(2_000);
    renderList(client, { url });
    await waitFor(() => {
      expect(texts().at(-1)).toBe("message 1999");
      expect(atEnd()).toBe(true);
    });
    expect(viewport().scrollTop).toBeGreaterThan(0);
    expect(rows().length).toBeLessThan(60);
    // 400 px of 20 px rows at the end (chunks 123 and 124), and one chunk of overscan above them.
    await waitFor(() => expect(texts()[0]).toBe("message 1952"));
    expect(rows()).toHaveLength(48);
  });

  it("appending at the end renders only the new row and keeps the end in view", async () => {
    const { client, url, stream } = await streamOf(2_000);
    const rendered: string[] = [];
    const renderRow = (m: Message) => {
      rendered.push(m.id);
      return <span>{m.text}</span>;
    };
    renderList(client, { url, children: renderRow });
    await waitFor(() => {
      expect(texts().at(-1)).toBe("message 1999");
      expect(atEnd()).toBe(true);
    });
    const heightBefore = viewport().scrollHeight;
    rendered.length = 0;

    await act(async () => {
      await stream.appendJson(message(2_000));
    });
    await waitFor(() => {
      expect(texts().at(-1)).toBe("message 2000");
      expect(atEnd()).toBe(true);
    });
    expect(viewport().scrollHeight).toBe(heightBefore + ROW_HEIGHT);
    expect(rows().length).toBeLessThan(60);
    // StrictMode renders a new row twice in development; the rows already shown not at all.
    expect(new Set(rendered)).toEqual(new Set(["m2000"]));
  });

  it("does not move when the user scrolled up, and follows again back at the end", async () => {
    const { client, url, stream } = await streamOf(2_000);
    // Estimates equal to the rows' height: nothing is corrected on measuring, so offsets are exact.
    renderList(client, { url, estimateSize: () => ROW_HEIGHT });
    await waitFor(() => expect(viewport().scrollTop).toBe(2_000 * ROW_HEIGHT - VIEWPORT_HEIGHT));

    act(() => {
      viewport().scrollTop = 10_000; // row 500 at the top, in chunk 31 (rows 496..511)
      fireEvent.scroll(viewport());
    });
    // Chunk 30 is the overscan above.
    await waitFor(() => expect(texts()[0]).toBe("message 480"));
    await act(async () => {
      await stream.appendJson(message(2_000));
    });
    await waitFor(() => expect(viewport().scrollHeight).toBe(2_001 * ROW_HEIGHT));
    expect(viewport().scrollTop).toBe(10_000);
    expect(texts()[0]).toBe("message 480");
    expect(texts()).not.toContain("message 2000");

    act(() => {
      viewport().scrollTop = 2_001 * ROW_HEIGHT - VIEWPORT_HEIGHT;
      fireEvent.scroll(viewport());
    });
    await waitFor(() => expect(texts().at(-1)).toBe("message 2000"));
    await scrollEnded();
    await act(async () => {
      await stream.appendJson(message(2_001));
    });
    await waitFor(() => {
      expect(texts().at(-1)).toBe("message 2001");
      expect(viewport().scrollTop).toBe(2_002 * ROW_HEIGHT - VIEWPORT_HEIGHT);
    });
  });

  it("shows `empty` while the stream holds no messages, then the list", async () => {
    const { client, url, stream } = await streamOf(0);
    renderList(client, { url, empty: <p>No messages yet</p> });
    expect(screen.getByText("No messages yet")).toBeTruthy();
    expect(screen.queryByRole("list")).toBeNull();
    await waitFor(() => expect(viewport().getAttribute("data-stream-status")).toBe("live"));
    expect(screen.getByText("No messages yet")).toBeTruthy();

    await act(async () => {
      await stream.appendJson(message(0));
    });
    await waitFor(() => expect(texts()).toEqual(["message 0"]));
    expect(screen.queryByText("No messages yet")).toBeNull();
    expect(screen.getByRole("list")).toBe(viewport());
  });
});
