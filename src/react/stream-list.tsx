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
 * Rows per memoized group: an append reconciles `length / 64` groups and the
 * rows of the last one, so a commit's script time stays flat as the list grows.
 */
const ROWS_PER_GROUP = 64;

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
      {rowGroups(data.length, ROWS_PER_GROUP).map(({ start, end }) => (
        <ListGroup
          key={start}
          data={data}
          start={start}
          end={end}
          render={children as RowRender}
          getKey={getKey as RowKey | undefined}
        />
      ))}
    </Element>
  );
}

interface ListGroupProps {
  data: readonly unknown[];
  start: number;
  end: number;
  render: RowRender;
  getKey: RowKey | undefined;
}

/** Rows `[start, end)`: rendered again only when one of them, or a function, changed. */
const ListGroup = memo(
  function ListGroup({ data, start, end, render, getKey }: ListGroupProps): ReactNode {
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
  },
  (previous, next) =>
    previous.start === next.start &&
    previous.end === next.end &&
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
