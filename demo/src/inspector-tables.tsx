import type { ReactNode } from "react";
import { StreamStatus, type DurableStreamStatus, type Offset } from "react-durable-streams";
import { usePoll, useStreamsRuntime } from "./runtime.js";

interface SessionRow {
  key: string;
  url: string;
  as: string;
  live: string;
  persist: string | null;
  refs: number;
  status: DurableStreamStatus;
  offset: Offset | undefined;
}

interface ProducerRow {
  key: string;
  url: string;
  id: string;
  refs: number;
  epoch: number;
  nextSeq: number;
  pendingCount: number;
  inFlightCount: number;
  lastOffset: Offset | undefined;
  stopped: boolean;
}

/** This tab's shared live sessions: one per stream and view shape. */
export function SessionsTable({ highlight }: { highlight: string }): ReactNode {
  const runtime = useStreamsRuntime();
  const { value: rows = [] } = usePoll(
    (): SessionRow[] =>
      runtime.sessions.list().map(({ key, value, refs }) => {
        const { as, live, persist } = value.view;
        const snapshot = value.getSnapshot();
        return {
          key,
          url: value.url,
          as: as ?? "auto",
          live,
          persist: persist ?? null,
          refs,
          status: snapshot.status,
          offset: snapshot.offset,
        };
      }),
    500,
    [runtime],
  );
  return (
    <InspectorTable
      columns={SESSION_COLUMNS}
      bodyTestId="inspector-sessions"
      empty={rows.length === 0 && "No open sessions."}
    >
      {rows.map((row) => (
        <tr
          key={row.key}
          data-testid="inspector-session"
          data-url={row.url}
          data-status={row.status}
          data-refs={row.refs}
          className={row.url === highlight ? "current" : undefined}
        >
          <td className="mono">{row.url}</td>
          <td>
            <StreamStatus className="status small" status={row.status} />
          </td>
          <td className="num">{row.refs}</td>
          <td>{row.as}</td>
          <td>{row.live}</td>
          <td className="mono">{row.persist ?? "—"}</td>
          <td className="mono">{row.offset ?? "—"}</td>
        </tr>
      ))}
    </InspectorTable>
  );
}

/** This tab's shared idempotent producers and their counters. */
export function ProducersTable(): ReactNode {
  const runtime = useStreamsRuntime();
  const { value: rows = [] } = usePoll(
    (): ProducerRow[] =>
      runtime.producers.list().map(({ key, value, refs }) => {
        const { producer, url } = value;
        return {
          key,
          url,
          id: producer.id,
          refs,
          epoch: producer.epoch,
          nextSeq: producer.nextSeq,
          pendingCount: producer.pendingCount,
          inFlightCount: producer.inFlightCount,
          lastOffset: producer.lastOffset,
          stopped: producer.stopped,
        };
      }),
    500,
    [runtime],
  );
  return (
    <InspectorTable
      columns={PRODUCER_COLUMNS}
      bodyTestId="inspector-producers"
      empty={
        rows.length === 0 &&
        "No producers in this tab. The board keeps one while it is open (and for 3 s after)."
      }
    >
      {rows.map((row) => (
        <tr
          key={row.key}
          data-testid="inspector-producer"
          data-url={row.url}
          className={row.stopped ? "stopped" : undefined}
        >
          <td className="mono">{row.url}</td>
          <td className="mono" title={row.id}>
            {row.id.length > 16 ? `${row.id.slice(0, 15)}…` : row.id}
            {row.stopped && <span className="tag">stopped</span>}
          </td>
          <td className="num">{row.refs}</td>
          <td className="num" data-field="epoch">
            {row.epoch}
          </td>
          <td className="num" data-field="nextSeq">
            {row.nextSeq}
          </td>
          <td className="num" data-field="pendingCount">
            {row.pendingCount}
          </td>
          <td className="num" data-field="inFlightCount">
            {row.inFlightCount}
          </td>
          <td className="mono" data-field="lastOffset">
            {row.lastOffset ?? "—"}
          </td>
        </tr>
      ))}
    </InspectorTable>
  );
}

/** A column heading; numeric columns are right-aligned. */
interface Column {
  label: string;
  numeric?: boolean;
}

const SESSION_COLUMNS: readonly Column[] = [
  { label: "Stream" },
  { label: "Status" },
  { label: "Refs", numeric: true },
  { label: "Read as" },
  { label: "Live" },
  { label: "Checkpoint key" },
  { label: "Offset" },
];

const PRODUCER_COLUMNS: readonly Column[] = [
  { label: "Stream" },
  { label: "Producer id" },
  { label: "Refs", numeric: true },
  { label: "Epoch", numeric: true },
  { label: "Next seq", numeric: true },
  { label: "Pending", numeric: true },
  { label: "In flight", numeric: true },
  { label: "Last offset" },
];

/** The inspector's table frame: headings, the rows, and a note when there are none. */
function InspectorTable({
  columns,
  bodyTestId,
  empty,
  children,
}: {
  columns: readonly Column[];
  bodyTestId: string;
  /** Shown under the table when set (a string), for an empty table. */
  empty: string | false;
  children: ReactNode;
}): ReactNode {
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            {columns.map(({ label, numeric }) => (
              <th key={label} className={numeric ? "num" : undefined}>
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody data-testid={bodyTestId}>{children}</tbody>
      </table>
      {empty && <p className="table-empty muted">{empty}</p>}
    </div>
  );
}
