"use client";

import {
  memo,
  useEffect,
  useReducer,
  useRef,
  useState,
  type ClipboardEvent,
  type CSSProperties,
  type ElementType,
  type ReactNode,
  type RefObject,
} from "react";
import type { LiveMode } from "../client/index.js";
import type { TextLog } from "../sync/text-log.js";
import { useIsomorphicLayoutEffect } from "./isomorphic-layout-effect.js";
import { TextBlocks, type TextGroup, type TextLayout } from "./text-blocks.js";
import { planCuts, type CutRules } from "./text-cuts.js";
import { copyOwnText, cutRulesFor, lineStartsIn, watchLineWidth } from "./text-measure.js";
import { useTextStream } from "./use-text-stream.js";

/** Props of {@link StreamText}. */
export interface StreamTextProps {
  /** The text stream to show. */
  url: string;
  live?: LiveMode;
  /** Checkpoint key, to continue exactly where it was after a reload. */
  persist?: string;
  /** The element to render. Default `span`. It must pass `ref` on to its DOM element for `blocks: "auto"`. */
  as?: ElementType;
  className?: string;
  /** Shown while nothing has arrived yet. */
  placeholder?: ReactNode;
  /**
   * How long text is laid out, so that each update costs the same however
   * long the text has grown:
   * - `"auto"` (default): in blocks of about 1,000 characters cut only where
   *   a line ends anyway, so it looks exactly like one text: after a line
   *   break where the CSS keeps breaks (`white-space: pre-wrap` and kin),
   *   else where a line wraps on screen. Each update lays out only the last
   *   block. Cuts at wraps are undone when the width changes; none are made
   *   in justified or `text-wrap: pretty` text. A copy from inside gives the
   *   stream's text exactly.
   * - `true`: blocks after line breaks, whatever the CSS (with `white-space:
   *   normal` each block then starts a new line). Needs no layout reads.
   * - `false`: one text node, laid out whole on every update.
   */
  blocks?: "auto" | boolean;
}

/** Characters a block gathers before it may end. */
const TEXT_BLOCK_LENGTH = 1000;

/** `blocks: true`: cuts after line breaks, whatever the CSS. */
const LINE_BREAK_CUTS: CutRules = {
  targetLength: TEXT_BLOCK_LENGTH,
  keepsLineBreaks: true,
  wrapCuts: false,
};

/**
 * A text stream rendered as text (never HTML), updated at most once per
 * frame however fast tokens arrive, in blocks that stay untouched as tokens
 * arrive (see {@link StreamTextProps.blocks}).
 */
export function StreamText({
  url,
  live,
  persist,
  as: Element = "span",
  className,
  placeholder,
  blocks = "auto",
}: StreamTextProps): ReactNode {
  const { data, status, textLog } = useTextStream(url, { live, persist });
  const host = useRef<HTMLElement>(null);
  const layout = useTextBlocks(data, textLog, blocks, host);
  const showPlaceholder = data === "" && placeholder !== undefined;
  return (
    <Element
      ref={host}
      className={className}
      data-stream-status={status}
      aria-busy={status === "connecting" || status === "catching-up"}
      onCopy={
        layout.groups.length > 0
          ? (event: ClipboardEvent<HTMLElement>) =>
              copyOwnText(event.nativeEvent, event.currentTarget)
          : undefined
      }
    >
      {showPlaceholder ? (
        placeholder
      ) : (
        <>
          {layout.groups.map((group, index) => (
            <Group key={index} group={group} />
          ))}
          {layout.rest}
        </>
      )}
    </Element>
  );
}

/**
 * The text's blocks for this render. With `"auto"` the cuts are made after
 * the commit, where the text is laid out and its lines can be measured, and
 * shown by a second render before the frame is painted.
 */
function useTextBlocks(
  text: string,
  log: TextLog | undefined,
  mode: "auto" | boolean,
  host: RefObject<HTMLElement | null>,
): TextLayout {
  // One per mounted text: each update cuts only what is new.
  const [blocks] = useState(() => new TextBlocks());
  const [, redraw] = useReducer((count: number) => count + 1, 0);
  if (mode === true) blocks.cut(planCuts(blocks.layout(text, log).rest, LINE_BREAK_CUTS));
  const layout = mode === false ? { groups: [], rest: text } : blocks.layout(text, log);

  useIsomorphicLayoutEffect(() => {
    const element = host.current;
    if (mode !== "auto" || !element) return;
    if (cutWhereLinesEnd(element, blocks, text, log)) redraw();
  });
  useEffect(() => {
    const element = host.current;
    if (mode !== "auto" || !element) return;
    return watchLineWidth(element, () => {
      if (blocks.undoSoftCuts()) redraw();
    });
  }, [mode, blocks, host]);
  return layout;
}

/**
 * Cuts the laid-out rest of the text into blocks where its lines end; false
 * when nothing was cut. The rest is the element's last child, a text node.
 */
function cutWhereLinesEnd(
  element: HTMLElement,
  blocks: TextBlocks,
  text: string,
  log: TextLog | undefined,
): boolean {
  const { rest } = blocks.layout(text, log);
  if (
    rest.length <= 2 * TEXT_BLOCK_LENGTH ||
    !blocks.worthMeasuring(rest.length, TEXT_BLOCK_LENGTH)
  )
    return false;
  const node = element.lastChild;
  if (!(node instanceof Text) || node.length !== rest.length) return false;
  const cuts = planCuts(rest, cutRulesFor(element, TEXT_BLOCK_LENGTH), lineStartsIn(node));
  if (cuts.length === 0) blocks.measuredWithoutCut(rest.length);
  blocks.cut(cuts);
  return cuts.length > 0;
}

/**
 * Complete blocks as block boxes, which keep their layout while text
 * arrives; the growing rest is plain text after them, so that it stays
 * inline with whatever follows (a cursor drawn by `::after`, say). Full
 * groups never change: memo skips them, so a render touches only the last.
 */
const Group = memo(function Group({ group }: { group: TextGroup }): ReactNode {
  return (
    <span style={BLOCK}>
      {group.blocks.map((block, index) => (
        // Blocks never move within a group: the index is a stable key.
        <span key={index} style={BLOCK}>
          {block}
        </span>
      ))}
    </span>
  );
});

const BLOCK: CSSProperties = { display: "block" };
