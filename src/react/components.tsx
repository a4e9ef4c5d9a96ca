import { memo, useMemo, type CSSProperties, type ElementType, type ReactNode } from "react";
import type { LiveMode } from "../client/index.js";
import type { StreamStatus as Status } from "../sync/index.js";
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

/** Read by screen readers, not shown: inline, so the component needs no stylesheet. */
const VISUALLY_HIDDEN: CSSProperties = {
  position: "absolute",
  width: 1,
  height: 1,
  margin: -1,
  padding: 0,
  overflow: "hidden",
  clip: "rect(0 0 0 0)",
  whiteSpace: "nowrap",
  border: 0,
};

const STATUS_LABELS: Record<Status, string> = {
  idle: "Idle",
  restoring: "Restoring",
  connecting: "Connecting",
  "catching-up": "Catching up",
  live: "Live",
  paused: "Paused",
  reconnecting: "Reconnecting",
  offline: "Offline",
  closed: "Closed",
  error: "Error",
};

/**
 * The status of a live view (the same union as the sync layer's `StreamStatus`).
 * Declared here too because this module's `StreamStatus` component shadows the
 * sync layer's type in the package's `export *`: without it, `import { type
 * StreamStatus } from "react-durable-streams"` would name the component.
 */
export type StreamStatus = Status;

/** Props of {@link StreamStatus}. */
export interface StreamStatusProps {
  status: Status;
  /** The error to describe when the status is `error`. */
  error?: Error | undefined;
  /** When reconnecting: the time of the next attempt, announced in the label. */
  retryAt?: number | undefined;
  /** Replace the default English labels. */
  labels?: Partial<Record<Status, string>>;
  className?: string;
}

/**
 * An accessible status badge: a polite live region (screen readers announce
 * changes), the status in `data-status` for styling, and the error message
 * or next retry time in its title.
 */
export function StreamStatus({
  status,
  error,
  retryAt,
  labels,
  className,
}: StreamStatusProps): ReactNode {
  const label = labels?.[status] ?? STATUS_LABELS[status];
  const detail =
    status === "error" && error
      ? error.message
      : status === "reconnecting" && retryAt !== undefined
        ? `Next attempt at ${new Date(retryAt).toLocaleTimeString()}`
        : undefined;
  return (
    <span
      role="status"
      aria-live="polite"
      data-status={status}
      className={className}
      title={detail}
    >
      {label}
      {detail !== undefined && <span style={VISUALLY_HIDDEN}>{`: ${detail}`}</span>}
    </span>
  );
}

/** Props of {@link StreamList}. */
export interface StreamListProps<Item> {
  /** A JSON stream. */
  url: string;
  live?: LiveMode;
  persist?: string;
  /** Renders one message (an `<li>` inside the default `<ul>`). */
  children: (item: Item, index: number) => ReactNode;
  /** A stable key per message; the index by default (messages never move in an append-only stream). */
  getKey?: (item: Item, index: number) => string | number;
  /** Shown while nothing has arrived yet. */
  empty?: ReactNode;
  as?: ElementType;
  className?: string;
}

/** Renders the messages of a JSON stream through a render function, live. */
export function StreamList<Item>({
  url,
  live,
  persist,
  children,
  getKey,
  empty,
  as: Element = "ul",
  className,
}: StreamListProps<Item>): ReactNode {
  const { data, status } = useDurableStream<Item>(url, { as: "json", live, persist });
  if (data.length === 0 && empty !== undefined) return <>{empty}</>;
  return (
    <Element className={className} data-stream-status={status}>
      {data.map((item, index) => (
        <ListRow
          key={getKey ? getKey(item, index) : index}
          item={item}
          index={index}
          render={children as (item: unknown, index: number) => ReactNode}
        />
      ))}
    </Element>
  );
}

/**
 * One message of a {@link StreamList}. Memoized: a message never changes, so
 * appending one renders one new row, unless the render function itself
 * changed (a parent that re-renders with a new inline function re-renders
 * every row, as it should: the rows may depend on what it closes over).
 */
const ListRow = memo(function ListRow({
  item,
  index,
  render,
}: {
  item: unknown;
  index: number;
  render: (item: unknown, index: number) => ReactNode;
}): ReactNode {
  return render(item, index);
});
