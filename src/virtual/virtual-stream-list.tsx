"use client";

import { memo, useCallback, useRef, type CSSProperties, type ReactNode } from "react";
import { useVirtualizer, type Virtualizer } from "@tanstack/react-virtual";
import type { LiveMode } from "../client/index.js";
import { useIsomorphicLayoutEffect } from "../react/isomorphic-layout-effect.js";
import { rowGroup, sameRows } from "../react/row-groups.js";
import { useDurableStream } from "../react/use-durable-stream.js";

/** Props of {@link VirtualStreamList}. */
export interface VirtualStreamListProps<Item> {
  /** A JSON stream. */
  url: string;
  /** What to do after catching up. Default `"auto"`. */
  live?: LiveMode;
  /** Checkpoint key: the messages and the offset are saved together and restored on the next visit. */
  persist?: string;
  /**
   * Renders one message. Its output goes inside a `role="listitem"` wrapper
   * in a positioned chunk that is measured, so rows may differ in height. Called again for
   * a row only when its message or this function changes: keep the function's
   * identity (a module-level function or `useCallback`) and appending one
   * message renders one new row.
   */
  children: (item: Item, index: number) => ReactNode;
  /** A stable key per message; the index by default (messages never move in an append-only stream). */
  getKey?: (item: Item, index: number) => string | number;
  /**
   * The expected height of a row in pixels, before it is measured. Default 40.
   * Closer estimates mean a steadier scrollbar; every rendered chunk of rows is measured anyway.
   */
  estimateSize?: (index: number) => number;
  /**
   * Rows rendered beyond each edge of the viewport. Default 8. Rows are
   * rendered in chunks of 16, so this is rounded up to whole chunks.
   */
  overscan?: number;
  /**
   * Chat behaviour, default true: the list starts at the end, and while it is
   * scrolled to the end it stays there as messages arrive or the last row
   * grows; once the user scrolled up, new messages do not move it.
   */
  followOutput?: boolean;
  /** Shown inside the container while the stream holds no messages. */
  empty?: ReactNode;
  /** Class of the scroll container. */
  className?: string;
  /** Style of the scroll container: give it a height (or a parent that bounds it), or nothing is virtualized. */
  style?: CSSProperties;
  /** Accessible name of the list. */
  "aria-label"?: string;
}

type RowRender = (item: unknown, index: number) => ReactNode;

type ListVirtualizer = Virtualizer<HTMLDivElement, HTMLDivElement>;

type RowKey = (item: unknown, index: number) => string | number;

const DEFAULT_ESTIMATE = (): number => 40;
const DEFAULT_OVERSCAN = 8;

/**
 * The virtualizer positions and measures chunks of 16 consecutive rows, not
 * single rows: it recomputes every item's position whenever the count
 * changes, so with chunks an append costs `length / 16` of that work, and a
 * commit's script time stays flat as the list grows.
 */
const ROWS_PER_CHUNK = 16;

/**
 * How close to the end (px) still counts as "at the end" for `followOutput`:
 * a little slack for sub-pixel scroll positions and rows growing as they are measured.
 */
const AT_END_SLACK_PX = 32;

/**
 * Renders the messages of a JSON stream like `<StreamList>`, but only the
 * rows in view (plus `overscan`): 20,000 messages cost what the few dozen in
 * view do. Built on `@tanstack/react-virtual` (an optional peer dependency,
 * which is why this lives in the `react-durable-streams/virtual` entry). Rows are measured
 * (in chunks of 16) after they render, so they may have any height.
 *
 * The component is the scroll container: give it a height through `style`
 * or `className`.
 *
 * @example
 * <VirtualStreamList<Message> url="/chat/42" persist="chat-42" style={{ height: 400 }}
 *   estimateSize={() => 48} getKey={(m) => m.id} empty={<p>No messages</p>}>
 *   {renderMessage}
 * </VirtualStreamList>
 */
export function VirtualStreamList<Item>({
  url,
  live,
  persist,
  children,
  getKey,
  estimateSize = DEFAULT_ESTIMATE,
  overscan = DEFAULT_OVERSCAN,
  followOutput = true,
  empty,
  className,
  style,
  "aria-label": ariaLabel,
}: VirtualStreamListProps<Item>): ReactNode {
  const { data, status } = useDurableStream<Item>(url, { as: "json", live, persist });
  const scrollRef = useRef<HTMLDivElement>(null);
  const length = data.length;
  const virtualizer = useVirtualizer<HTMLDivElement, HTMLDivElement>({
    count: Math.ceil(length / ROWS_PER_CHUNK),
    getScrollElement: () => scrollRef.current,
    estimateSize: (chunk) => estimateChunk(chunk, length, estimateSize),
    overscan: Math.ceil(overscan / ROWS_PER_CHUNK),
    // End anchoring keeps an end-pinned view pinned when rows are appended or grow,
    // and follows appends only when the view was at the end (the user's position wins).
    anchorTo: followOutput ? "end" : "start",
    followOnAppend: followOutput,
    scrollEndThreshold: AT_END_SLACK_PX,
  });
  useStartAtEnd(virtualizer, followOutput, length);

  const showEmpty = length === 0 && empty !== undefined;
  return (
    <div
      ref={scrollRef}
      role={showEmpty ? undefined : "list"}
      aria-label={ariaLabel}
      className={className}
      style={{ overflowY: "auto", overflowAnchor: "none", ...style }}
      data-stream-status={status}
    >
      {showEmpty ? (
        empty
      ) : (
        <div
          role="presentation"
          style={{ position: "relative", width: "100%", height: virtualizer.getTotalSize() }}
        >
          {virtualizer.getVirtualItems().map((chunk) => (
            <VirtualChunk
              key={chunk.key}
              chunk={chunk.index}
              top={chunk.start}
              data={data}
              render={children as RowRender}
              getKey={getKey as RowKey | undefined}
              measure={virtualizer.measureElement}
            />
          ))}
        </div>
      )}
    </div>
  );
}

/** A chunk's height before it is measured: the sum of its rows' estimates. */
function estimateChunk(chunk: number, length: number, estimateRow: (index: number) => number) {
  const { start, end } = rowGroup(chunk, ROWS_PER_CHUNK, length);
  let height = 0;
  for (let index = start; index < end; index++) height += estimateRow(index);
  return height;
}

/**
 * With `followOutput`, shows the end the first time there is something to
 * show: at mount for state restored from a checkpoint, or when the first
 * messages arrive. Later appends are followed by the virtualizer itself.
 */
function useStartAtEnd(virtualizer: ListVirtualizer, followOutput: boolean, count: number): void {
  const started = useRef(false);
  // Reset on unmount, so StrictMode's simulated remount (which re-attaches the
  // virtualizer and writes its old offset back) scrolls to the end again.
  useIsomorphicLayoutEffect(
    () => () => {
      started.current = false;
    },
    [],
  );
  useIsomorphicLayoutEffect(() => {
    if (!followOutput || count === 0 || started.current) return;
    started.current = true;
    virtualizer.scrollToEnd();
  }, [virtualizer, followOutput, count]);
}

interface VirtualChunkProps {
  /** The chunk's index: rows `[chunk * ROWS_PER_CHUNK, ...)`. */
  chunk: number;
  /** Its measured (or estimated) offset from the top, in px. */
  top: number;
  data: readonly unknown[];
  render: RowRender;
  getKey: RowKey | undefined;
  measure: (element: HTMLDivElement | null) => void;
}

/**
 * One positioned, measured chunk of rows. Rendered again only when it moved
 * (a chunk above was measured), or one of its rows or a function changed;
 * its rows are memoized apart, so an append renders only the new row.
 */
const VirtualChunk = memo(
  function VirtualChunk({ chunk, top, data, render, getKey, measure }: VirtualChunkProps) {
    const { start, end } = rowGroup(chunk, ROWS_PER_CHUNK, data.length);
    const element = useRef<HTMLDivElement | null>(null);
    const attach = useCallback(
      (node: HTMLDivElement | null) => {
        element.current = node;
        measure(node);
      },
      [measure],
    );
    // A row added to a mounted chunk (the last one, as messages arrive) is
    // measured in the same commit, as a new chunk is when it mounts.
    const rowCount = end - start;
    useIsomorphicLayoutEffect(() => {
      if (element.current) measure(element.current);
    }, [measure, rowCount]);
    const rows: ReactNode[] = [];
    for (let index = start; index < end; index++) {
      const item = data[index];
      rows.push(
        <VirtualRow
          key={getKey ? getKey(item, index) : index}
          item={item}
          index={index}
          render={render}
        />,
      );
    }
    return (
      <div
        ref={attach}
        role="presentation"
        data-index={chunk}
        style={{
          position: "absolute",
          top: 0,
          left: 0,
          width: "100%",
          transform: `translateY(${top}px)`,
        }}
      >
        {rows}
      </div>
    );
  },
  (previous, next) => {
    const rows = rowGroup(next.chunk, ROWS_PER_CHUNK, next.data.length);
    return (
      previous.chunk === next.chunk &&
      previous.top === next.top &&
      previous.render === next.render &&
      previous.getKey === next.getKey &&
      previous.measure === next.measure &&
      rowGroup(previous.chunk, ROWS_PER_CHUNK, previous.data.length).end === rows.end &&
      sameRows(previous.data, next.data, rows.start, rows.end)
    );
  },
);

/** One message: its wrapper and what the render function returned, rendered again only when the message or the function changes. */
const VirtualRow = memo(function VirtualRow({
  item,
  index,
  render,
}: {
  item: unknown;
  index: number;
  render: RowRender;
}): ReactNode {
  return (
    <div role="listitem" data-row-index={index}>
      {render(item, index)}
    </div>
  );
});
