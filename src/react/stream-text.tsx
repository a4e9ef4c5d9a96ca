import { memo, useMemo, type CSSProperties, type ElementType, type ReactNode } from "react";
import type { LiveMode } from "../client/index.js";
import { TextBlockSplitter } from "./text-blocks.js";
import { useDurableStream } from "./use-durable-stream.js";

/** Props of {@link StreamText}. */
export interface StreamTextProps {
  /** The text stream to show. */
  url: string;
  live?: LiveMode;
  /** Checkpoint key, to continue exactly where it was after a reload. */
  persist?: string;
  /** The element to render. Default `span`. */
  as?: ElementType;
  className?: string;
  /** Shown while nothing has arrived yet. */
  placeholder?: ReactNode;
  /**
   * Lay long text out in blocks: a new block starts after the first line
   * break once a block holds about 1,000 characters, so each update lays out
   * only the last block instead of the whole text (in Chromium, a 350 kB
   * generation at 5,000 tokens/s took a ninth of the layout time, with no
   * long tasks). Meant for text whose line breaks show as breaks
   * (`white-space: pre-wrap`, `pre` or `pre-line`), where it looks the same;
   * the text content is the same in any case. Default false: one text node.
   */
  blocks?: boolean;
}

/**
 * A text stream rendered as text (never HTML), updated at most once per
 * frame however fast tokens arrive: one text node, or with `blocks` long
 * text in blocks of lines that stay untouched as tokens arrive.
 */
export function StreamText({
  url,
  live,
  persist,
  as: Element = "span",
  className,
  placeholder,
  blocks = false,
}: StreamTextProps): ReactNode {
  const { data, status } = useDurableStream<string, string>(url, { as: "text", live, persist });
  const content =
    data === "" && placeholder !== undefined ? placeholder : blocks ? <Blocks text={data} /> : data;
  return (
    <Element
      className={className}
      data-stream-status={status}
      aria-busy={status === "connecting" || status === "catching-up"}
    >
      {content}
    </Element>
  );
}

/**
 * Complete blocks as block boxes, which keep their layout while text arrives;
 * the growing rest as plain text after them, so that it stays inline with
 * whatever follows (a cursor drawn by `::after`, say).
 */
function Blocks({ text }: { text: string }): ReactNode {
  // One splitter per mounted text: each update cuts only what is new.
  const splitter = useMemo(() => new TextBlockSplitter(TEXT_BLOCK_LENGTH), []);
  const { complete, rest } = splitter.split(text);
  // Complete blocks never change: their index is a stable key, and memo skips them.
  return (
    <>
      {complete.map((block, index) => (
        <TextBlock key={index} text={block} />
      ))}
      {rest}
    </>
  );
}

/** One complete block: a span (valid inside any text element) that is its own layout block. */
const TextBlock = memo(function TextBlock({ text }: { text: string }): ReactNode {
  return <span style={BLOCK}>{text}</span>;
});

/** Characters a `<StreamText blocks>` block gathers before it ends at a line break. */
const TEXT_BLOCK_LENGTH = 1000;

const BLOCK: CSSProperties = { display: "block" };
