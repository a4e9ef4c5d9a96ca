import type { Page } from "@playwright/test";
import { expect, test } from "./support/fixtures";
import { appendToStream, createStream, runId } from "./support/streams-admin";

/**
 * The default `<StreamText>` (the demo's generation page) lays a long live
 * text out in blocks, so an update lays out only the last one, and must look
 * exactly like the same text as one text node: same height, every block's
 * first character and the last one at the same place. Copy gives the text
 * itself, find-in-page finds phrases anywhere in it, and after a resize the
 * look still matches.
 */

const UPDATES = 30;
/** About 4 KB per update: 120 KB in all. */
const WORDS_PER_UPDATE = 500;

/** Words with a line break every `perLine` words (never, when 0). */
function words(from: number, count: number, perLine: number): string {
  let text = "";
  for (let i = from; i < from + count; i++) {
    const end = perLine > 0 && i % perLine === perLine - 1 ? "\n" : " ";
    text += `w${i}${i % 7 === 0 ? "-long-word" : ""}${end}`;
  }
  return text;
}

const SHOWN = '[data-testid="generation-text"] [data-stream-status]';

async function writeLive(
  page: Page,
  path: string,
  demo: Parameters<typeof createStream>[0],
  perLine: number,
) {
  let written = "";
  for (let update = 0; update < UPDATES; update++) {
    const part = words(update * WORDS_PER_UPDATE, WORDS_PER_UPDATE, perLine);
    await appendToStream(demo, path, "text/plain", part);
    written += part;
    await page.waitForFunction(
      ({ selector, length }) =>
        (document.querySelector(selector)?.textContent?.length ?? 0) >= length,
      { selector: SHOWN, length: written.length },
    );
  }
  return written;
}

/**
 * The element's look against a twin holding the same text as one text node:
 * shallow clones of the element and of its parent (same tags, classes and
 * width), placed after the parent. Compared: the parents' heights and where,
 * relative to the first character, each block's first character and the
 * last character sit.
 */
async function lookAgainstOneTextNode(page: Page) {
  return page.evaluate((selector) => {
    const host = document.querySelector(selector)!;
    const parent = host.parentElement!;
    const twinParent = parent.cloneNode(false) as HTMLElement;
    const twin = host.cloneNode(false) as HTMLElement;
    twin.textContent = host.textContent;
    twinParent.append(twin);
    parent.after(twinParent);
    const textNodes = (element: Element) =>
      [...element.querySelectorAll("*"), element]
        .flatMap((e) => [...e.childNodes])
        .filter((n): n is Text => n instanceof Text && n.length > 0)
        .sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
    /** Where the character at `offset` sits on screen. */
    const rawBoxAt = (element: Element, offset: number) => {
      let seen = 0;
      for (const node of textNodes(element)) {
        if (offset < seen + node.length) {
          const range = document.createRange();
          range.setStart(node, offset - seen);
          range.setEnd(node, offset - seen + 1);
          return range.getBoundingClientRect();
        }
        seen += node.length;
      }
      throw new Error(`offset ${offset} past the text`);
    };
    /** Relative to the first character: the parent may be scrolled, its clone is not. */
    const boxAt = (element: Element, offset: number) => {
      const box = rawBoxAt(element, offset);
      const origin = rawBoxAt(element, 0);
      return `${Math.round(box.left - origin.left)},${Math.round(box.top - origin.top)}`;
    };
    const offsets: number[] = [];
    let start = 0;
    for (const node of textNodes(host)) {
      offsets.push(start);
      start += node.length;
    }
    offsets.push(start - 1);
    const measured = {
      width: parent.getBoundingClientRect().width,
      height: parent.getBoundingClientRect().height,
      twinHeight: twinParent.getBoundingClientRect().height,
      boxes: offsets.map((offset) => boxAt(host, offset)),
      twinBoxes: offsets.map((offset) => boxAt(twin, offset)),
    };
    twinParent.remove();
    return measured;
  }, SHOWN);
}

/** The text of every block, and of the uncut rest after them. */
async function blocksOf(page: Page) {
  return page.evaluate((selector) => {
    const host = document.querySelector(selector)!;
    const blocks = [...host.querySelectorAll(":scope > span > span")].map(
      (b) => b.textContent ?? "",
    );
    const last = host.lastChild;
    return { blocks, rest: last instanceof Text ? last.data : "" };
  }, SHOWN);
}

async function copySelection(page: Page, from: number, to: number): Promise<string> {
  await page.evaluate(
    ({ selector, from, to }) => {
      const host = document.querySelector(selector)!;
      const nodes = [...host.querySelectorAll("*"), host]
        .flatMap((e) => [...e.childNodes])
        .filter((n): n is Text => n instanceof Text);
      // Text nodes in document order, to find where the offsets fall.
      nodes.sort((a, b) =>
        a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1,
      );
      const at = (offset: number): [Text, number] => {
        let seen = 0;
        for (const node of nodes) {
          if (offset <= seen + node.length) return [node, offset - seen];
          seen += node.length;
        }
        throw new Error(`offset ${offset} past the text`);
      };
      const range = document.createRange();
      range.setStart(...at(from));
      range.setEnd(...at(to));
      const selection = document.getSelection()!;
      selection.removeAllRanges();
      selection.addRange(range);
      document.execCommand("copy");
    },
    { selector: SHOWN, from, to },
  );
  return page.evaluate(() => navigator.clipboard.readText());
}

const CASES = [
  { name: "pre-wrap text with line breaks", css: "", perLine: 12 },
  { name: "pre-wrap text without line breaks", css: "", perLine: 0 },
  {
    name: "white-space: normal text, proportional font",
    css: ".output { white-space: normal !important; font-family: sans-serif !important; }",
    perLine: 12,
  },
];

for (const { name, css, perLine } of CASES) {
  test(`<StreamText> lays ${name} out in blocks that look like one text; copy and find work`, async ({
    page,
    demo,
    context,
  }) => {
    await context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const id = `e2e-layout-${runId()}`;
    const path = `/streams/generations/${id}`;
    await createStream(demo, path, "text/plain");
    await demo.open(page, `#/generate/${id}`, "generation-text");
    if (css) await page.addStyleTag({ content: css });
    await expect(page.locator(SHOWN)).toHaveAttribute("data-stream-status", "live");

    const written = await writeLive(page, path, demo, perLine);
    expect(await page.locator(SHOWN).textContent()).toBe(written);

    // Bounded: the text is in many blocks and what each update lays out again stays short.
    const { blocks, rest } = await blocksOf(page);
    console.log(
      `${name}: ${blocks.length} blocks, first lengths ${blocks
        .slice(0, 5)
        .map((b) => b.length)
        .join(", ")}; uncut rest ${rest.length}`,
    );
    expect(blocks.length, "blocks, at least one per two updates (8 KB)").toBeGreaterThan(
      UPDATES / 2,
    );
    expect(rest.length, "the uncut rest").toBeLessThan(6000);
    expect(blocks.join("") + rest).toBe(written);

    // The same look as one text node.
    const look = await lookAgainstOneTextNode(page);
    expect(look.height).toBe(look.twinHeight);
    expect(look.boxes).toEqual(look.twinBoxes);

    // Copy: the whole text, and a stretch across the end of the first block.
    expect(await copySelection(page, 0, written.length)).toBe(written);
    const boundary = blocks[0]!.length;
    expect(await copySelection(page, boundary - 30, boundary + 30)).toBe(
      written.slice(boundary - 30, boundary + 30),
    );

    // Find in page (window.find drives the browser's find) anywhere in the text: in the first
    // block, inside later ones, in the rest. A phrase across a block end is not found (Chromium's
    // find treats a block end as a line break), which the README says.
    const starts = blocks.map((_, index) => blocks.slice(0, index).join("").length);
    const phrases = [starts[0]!, starts[1]!, starts[Math.floor(blocks.length / 2)]!, starts.at(-1)!]
      .map((start) => written.slice(start + 40, start + 70))
      .concat(rest.slice(20, 50))
      // Within one line: how a line break matches depends on the CSS, the same with or without blocks.
      .map((stretch) =>
        stretch
          .split("\n")
          .sort((a, b) => b.length - a.length)[0]!
          .trim(),
      );
    for (const phrase of phrases) {
      const found = await page.evaluate((p) => {
        document.getSelection()?.removeAllRanges();
        const find = (window as unknown as { find: (text: string, ...flags: boolean[]) => boolean })
          .find;
        return find.call(window, p, true, false, true);
      }, phrase);
      expect(found, `find "${phrase}"`).toBe(true);
    }

    // A narrower window: lines wrap elsewhere, and the text still looks like one text.
    await page.setViewportSize({ width: 760, height: 800 });
    await expect
      .poll(async () => {
        const after = await lookAgainstOneTextNode(page);
        return (
          after.width < look.width &&
          after.height === after.twinHeight &&
          after.boxes.join(" ") === after.twinBoxes.join(" ")
        );
      })
      .toBe(true);
  });
}
