import {
  memo,
  useCallback,
  useEffect,
  useLayoutEffect,
  useRef,
  type CSSProperties,
  type ReactNode,
} from "react";
import { useVirtualizer, type Virtualizer } from "@tanstack/react-virtual";
import type { LiveMode } from "../client/index.js";
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
   * Renders one message. Its output goes inside a positioned `role="listitem"`
   * wrapper that is measured, so rows may differ in height. Called again for
   * a row only when its message or this function changes: keep the function's
   * identity (a module-level function or `useCallback`) and appending one
   * message renders one new row.
   */
  children: (item: Item, index: number) => ReactNode;
  /** A stable key per message; the index by default (messages never move in an append-only stream). */
  getKey?: (item: Item, index: number) => string | number;
  /**
   * The expected height of a row in pixels, before it is measured. Default 40.
   * Closer estimates mean a steadier scrollbar; every rendered row is measured anyway.
   */
  estimateSize?: (index: number) => number;
  /** Rows rendered beyond each edge of the viewport. Default 8. */
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

const DEFAULT_ESTIMATE = (): number => 40;
const DEFAULT_OVERSCAN = 8;

/**
 * How close to the end (px) still counts as "at the end" for `followOutput`:
 * a little slack for sub-pixel scroll positions and rows growing as they are measured.
 */
const AT_END_SLACK_PX = 32;

const useIsomorphicLayoutEffect = typeof window === "undefined" ? useEffect : useLayoutEffect;

/**
 * Renders the messages of a JSON stream like `<StreamList>`, but only the
 * rows in view (plus `overscan`): 20,000 messages cost what 30 do. Built on
 * `@tanstack/react-virtual` (an optional peer dependency, which is why this
 * lives in the `react-durable-streams/virtual` entry). Rows are measured
 * after they render, so they may have any height.
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
  const getItemKey = useCallback(
    (index: number) => (getKey ? getKey(data[index] as Item, index) : index),
    [data, getKey],
  );
  const virtualizer = useVirtualizer<HTMLDivElement, HTMLDivElement>({
    count: data.length,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    overscan,
    getItemKey,
    // End anchoring keeps an end-pinned view pinned when rows are appended or grow,
    // and follows appends only when the view was at the end (the user's position wins).
    anchorTo: followOutput ? "end" : "start",
    followOnAppend: followOutput,
    scrollEndThreshold: AT_END_SLACK_PX,
  });
  useStartAtEnd(virtualizer, followOutput, data.length);

  const showEmpty = data.length === 0 && empty !== undefined;
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
        <VirtualRows virtualizer={virtualizer} data={data} render={children as RowRender} />
      )}
    </div>
  );
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

/** The sized inner box and the rows in view; rows are positioned by their measured start. */
function VirtualRows({
  virtualizer,
  data,
  render,
}: {
  virtualizer: ListVirtualizer;
  data: readonly unknown[];
  render: RowRender;
}): ReactNode {
  return (
    <div
      role="presentation"
      style={{ position: "relative", width: "100%", height: virtualizer.getTotalSize() }}
    >
      {virtualizer.getVirtualItems().map((row) => (
        <VirtualRow
          key={row.key}
          index={row.index}
          start={row.start}
          item={data[row.index]}
          render={render}
          measure={virtualizer.measureElement}
        />
      ))}
    </div>
  );
}

/**
 * One positioned, measured row. Moving it (a row above was measured) renders
 * only this wrapper; the content below is memoized apart.
 */
const VirtualRow = memo(function VirtualRow({
  index,
  start,
  item,
  render,
  measure,
}: {
  index: number;
  start: number;
  item: unknown;
  render: RowRender;
  measure: (element: HTMLDivElement | null) => void;
}): ReactNode {
  return (
    <div
      ref={measure}
      role="listitem"
      data-index={index}
      style={{
        position: "absolute",
        top: 0,
        left: 0,
        width: "100%",
        transform: `translateY(${start}px)`,
      }}
    >
      <RowContent item={item} index={index} render={render} />
    </div>
  );
});

/** What the render function returned for one message: rendered again only when the message or the function changes. */
const RowContent = memo(function RowContent({
  item,
  index,
  render,
}: {
  item: unknown;
  index: number;
  render: RowRender;
}): ReactNode {
  return render(item, index);
});
