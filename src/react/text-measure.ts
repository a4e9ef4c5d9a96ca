import type { CutRules, LineStartAt } from "./text-cuts.js";

/** How far back from a character its line's start is looked for. */
const LONGEST_LINE = 4000;

/** What the element's computed style allows a block cut to do without changing the look. */
export function cutRulesFor(element: Element, targetLength: number): CutRules {
  const style = getComputedStyle(element);
  // `white-space` is a shorthand now; its `white-space-collapse` part says what happens to breaks.
  const collapse = style.getPropertyValue("white-space-collapse");
  const keepsLineBreaks = collapse
    ? collapse !== "collapse" && collapse !== "preserve-spaces"
    : /^(pre|pre-wrap|pre-line|break-spaces)$/.test(style.whiteSpace);
  const wrapStyle =
    style.getPropertyValue("text-wrap-style") || style.getPropertyValue("text-wrap");
  const wrapCuts =
    !/justify/.test(style.textAlign) &&
    !/justify/.test(style.getPropertyValue("text-align-last")) &&
    !/pretty|balance/.test(wrapStyle) &&
    (style.writingMode === "" || style.writingMode === "horizontal-tb");
  return { targetLength, keepsLineBreaks, wrapCuts };
}

/**
 * The line geometry of a laid-out text node: where the line on screen that
 * holds a character starts. Found by halving, from the character boxes a
 * range reports: a character sits on an earlier line when its box's middle
 * is above the top of the given character's box.
 */
export function lineStartsIn(node: Text): LineStartAt {
  const range = node.ownerDocument.createRange();
  /** The box of the character at `index`, or of the next one that has a box (collapsed spaces have none). */
  const boxAt = (index: number): DOMRect | undefined => {
    for (let at = index; at < Math.min(node.length, index + 16); at++) {
      range.setStart(node, at);
      range.setEnd(node, at + 1);
      const box = range.getClientRects()[0];
      if (box && box.height > 0) return box;
    }
    return undefined;
  };
  return (index) => {
    const line = boxAt(index);
    if (!line) return undefined;
    const earlier = (at: number) => {
      const box = boxAt(at);
      return box !== undefined && (box.top + box.bottom) / 2 < line.top;
    };
    let low = Math.max(0, index - LONGEST_LINE);
    // The line starts before the searched stretch: it cannot be told where.
    if (low > 0 && !earlier(low)) return undefined;
    let high = index;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (earlier(middle)) low = middle + 1;
      else high = middle;
    }
    return low;
  };
}

/**
 * Calls `onChange` once the element's width has changed and settled, or
 * when web fonts finished loading: either moves where lines wrap. Returns
 * the cleanup.
 */
export function watchLineWidth(element: Element, onChange: () => void): () => void {
  let width: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(onChange, SETTLE_MS);
  };
  const observer =
    typeof ResizeObserver === "function"
      ? new ResizeObserver((entries) => {
          const next = entries.at(-1)?.contentRect.width;
          if (next === undefined || next === width) return;
          if (width !== undefined) later();
          width = next;
        })
      : undefined;
  observer?.observe(containingBlock(element));
  const fonts = element.ownerDocument.fonts as FontFaceSet | undefined;
  fonts?.addEventListener("loadingdone", later);
  return () => {
    clearTimeout(timer);
    observer?.disconnect();
    fonts?.removeEventListener("loadingdone", later);
  };
}

/**
 * The box whose width the lines wrap to: the element, or for an inline one
 * (a resize observer reports nothing for those) the nearest ancestor that
 * is not inline.
 */
function containingBlock(element: Element): Element {
  let box: Element | null = element;
  while (box && /^(inline|contents)/.test(getComputedStyle(box).display)) box = box.parentElement;
  return box ?? element;
}

/** A resize drag fires every frame: the cuts are undone once, when it stops. */
const SETTLE_MS = 150;

/**
 * A copy from inside the element gives the text itself. The browser would
 * put a line break between two blocks in the copied text, where the stream
 * has none (a block that ended where a line wrapped).
 */
export function copyOwnText(event: ClipboardEvent, element: Element): void {
  const selection = element.ownerDocument.getSelection();
  if (!selection || selection.rangeCount !== 1 || !event.clipboardData) return;
  const range = selection.getRangeAt(0);
  if (range.collapsed || !element.contains(range.commonAncestorContainer)) return;
  event.clipboardData.setData("text/plain", range.toString());
  event.preventDefault();
}
