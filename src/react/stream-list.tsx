import { memo, type ElementType, type ReactNode } from "react";
import type { LiveMode } from "../client/index.js";
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
