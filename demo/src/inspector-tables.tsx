import type { ReactNode } from "react";
import { StreamStatus } from "react-durable-streams";
// The runtime's picture, re-read when it says something changed (its subscribe API: no polling).
import { useRuntimeInspection } from "react-durable-streams/devtools";

/** This tab's shared live sessions: one per stream and view shape. */
export function SessionsTable({ highlight }: { highlight: string }): ReactNode {
  const rows = useRuntimeInspection().sessions;
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
          data-refs={row.subscribers}
          className={row.url === highlight ? "current" : undefined}
        >
          <td className="mono">{row.url}</td>
          <td>
            <StreamStatus className="status small" status={row.status} />
          </td>
          <td className="num">{row.subscribers}</td>
          <td>{row.as ?? "auto"}</td>
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
  const rows = useRuntimeInspection().producers;
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
          <td className="num">{row.subscribers}</td>
          <td className="num" data-field="epoch">
            {row.epoch}
          </td>
          <td className="num" data-field="nextSeq">
            {row.nextSeq}
          </td>
          <td className="num" data-field="pendingCount">
            {row.pending}
          </td>
          <td className="num" data-field="inFlightCount">
            {row.inFlight}
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
