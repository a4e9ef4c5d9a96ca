"use client";

import { memo, type ElementType, type ReactNode } from "react";
import type { LiveMode } from "../client/index.js";
import { rowGroups, sameRows } from "./row-groups.js";
import { useDurableStream } from "./use-durable-stream.js";

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

type RowRender = (item: unknown, index: number) => ReactNode;
type RowKey = (item: unknown, index: number) => string | number;

/**
 * Rows per memoized span at each level, outermost first: spans of 4,096
 * rows hold spans of 64, which hold the rows. An append re-renders one span
 * per level (its siblings are skipped by their comparators), so a commit
 * reconciles about `length / 4096 + 64 + 64` elements and its script time
 * stays flat as the list grows.
 */
const SPAN_ROWS = [4096, 64] as const;

/**
 * Renders the messages of a JSON stream through a render function, live.
 * Every message stays mounted; for thousands of messages,
 * `VirtualStreamList` (from `react-durable-streams/virtual`) renders only
 * the rows in view.
 */
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
      <ListSpan
        data={data}
        start={0}
        end={data.length}
        level={0}
        render={children as RowRender}
        getKey={getKey as RowKey | undefined}
      />
    </Element>
  );
}

interface ListSpanProps {
  data: readonly unknown[];
  start: number;
  end: number;
  /** Index into {@link SPAN_ROWS}; past its end, the span renders its rows. */
  level: number;
  render: RowRender;
  getKey: RowKey | undefined;
}

/** Rows `[start, end)`, as spans of the next level or as rows: rendered again only when one of them, or a function, changed. */
const ListSpan = memo(
  // Named apart from the const: inside a function named ListSpan, `ListSpan`
  // would be that unwrapped function, and the inner spans would not be memoized.
  function ListSpanBody({ data, start, end, level, render, getKey }: ListSpanProps): ReactNode {
    const size = SPAN_ROWS[level];
    if (size === undefined) {
      const rows: ReactNode[] = [];
      for (let index = start; index < end; index++) {
        const item = data[index];
        rows.push(
          <ListRow
            key={getKey ? getKey(item, index) : index}
            item={item}
            index={index}
            render={render}
          />,
        );
      }
      return rows;
    }
    return rowGroups(start, end, size).map((span) => (
      <ListSpan
        key={span.start}
        data={data}
        start={span.start}
        end={span.end}
        level={level + 1}
        render={render}
        getKey={getKey}
      />
    ));
  },
  (previous, next) =>
    previous.start === next.start &&
    previous.end === next.end &&
    previous.level === next.level &&
    previous.render === next.render &&
    previous.getKey === next.getKey &&
    sameRows(previous.data, next.data, next.start, next.end),
);

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
  render: RowRender;
}): ReactNode {
  return render(item, index);
});
