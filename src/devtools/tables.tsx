import type { ReactNode } from "react";
import type { CheckpointInspection, ProducerInspection, SessionInspection } from "../sync/index.js";
import { formatAgo, formatBytes, formatCountdown, formatError } from "./format.js";
import {
  captionStyle,
  cellStyle,
  errorCellStyle,
  mutedStyle,
  numberCellStyle,
  tableStyle,
} from "./styles.js";

function Table({
  caption,
  headers,
  empty,
  children,
}: {
  caption: string;
  headers: readonly string[];
  empty: string | false;
  children: ReactNode;
}): ReactNode {
  return (
    <table style={tableStyle}>
      <caption style={captionStyle}>{caption}</caption>
      <thead>
        <tr>
          {headers.map((header) => (
            <th key={header} scope="col" style={{ ...cellStyle, borderTop: "none" }}>
              {header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {empty ? (
          <tr>
            <td colSpan={headers.length} style={{ ...cellStyle, ...mutedStyle }}>
              {empty}
            </td>
          </tr>
        ) : (
          children
        )}
      </tbody>
    </table>
  );
}

const SESSION_HEADERS = [
  "URL",
  "Status",
  "Tab",
  "Offset",
  "Messages",
  "Bytes",
  "Subscribers",
  "Next retry",
  "Last error",
] as const;

/** What the Tab column says: whether this tab reads the stream for the others. */
const TAB_ROLE_LABELS: Readonly<Record<SessionInspection["tab"], string>> = {
  leads: "leads",
  follows: "follows",
  alone: "own read",
};

/** Live sessions: one per stream and view shape. */
export function SessionsTable({
  sessions,
  now,
}: {
  sessions: readonly SessionInspection[];
  now: number;
}): ReactNode {
  return (
    <Table caption="Sessions" headers={SESSION_HEADERS} empty={sessions.length === 0 && "None."}>
      {sessions.map((session) => (
        <tr key={session.key} data-url={session.url} data-status={session.status}>
          <td style={cellStyle} title={session.persist && `persist: ${session.persist}`}>
            {session.url}
          </td>
          <td style={cellStyle}>{session.status}</td>
          <td style={cellStyle} data-tab-role={session.tab}>
            {TAB_ROLE_LABELS[session.tab]}
          </td>
          <td style={cellStyle}>{session.offset ?? "—"}</td>
          <td style={numberCellStyle}>{session.messages}</td>
          <td style={numberCellStyle}>{formatBytes(session.bytes)}</td>
          <td style={numberCellStyle}>{session.subscribers}</td>
          <td style={cellStyle}>{formatCountdown(session.retryAt, now)}</td>
          <td style={session.lastError ? errorCellStyle : cellStyle}>
            {formatError(session.lastError)}
            {session.lastErrorAt !== undefined && (
              <span style={mutedStyle}> ({formatAgo(session.lastErrorAt, now)})</span>
            )}
          </td>
        </tr>
      ))}
    </Table>
  );
}

const PRODUCER_HEADERS = [
  "URL",
  "Producer id",
  "Epoch",
  "Next seq",
  "Pending",
  "In flight",
  "Last error",
] as const;

/** Idempotent producers: one per stream and producer id. */
export function ProducersTable({
  producers,
}: {
  producers: readonly ProducerInspection[];
}): ReactNode {
  return (
    <Table caption="Producers" headers={PRODUCER_HEADERS} empty={producers.length === 0 && "None."}>
      {producers.map((producer) => (
        <tr key={producer.key} data-url={producer.url}>
          <td style={cellStyle}>{producer.url}</td>
          <td style={cellStyle} title={producer.id}>
            {producer.id}
            {producer.stopped && <span style={mutedStyle}> (stopped)</span>}
          </td>
          <td style={numberCellStyle}>{producer.epoch}</td>
          <td style={numberCellStyle}>{producer.nextSeq}</td>
          <td style={numberCellStyle}>{producer.pending}</td>
          <td style={numberCellStyle}>{producer.inFlight}</td>
          <td style={producer.lastError ? errorCellStyle : cellStyle}>
            {formatError(producer.lastError)}
          </td>
        </tr>
      ))}
    </Table>
  );
}

const CHECKPOINT_HEADERS = ["Key", "URL", "Offset", "Saved", "Store"] as const;

/** Checkpoints this page read or wrote, as last seen. */
export function CheckpointsTable({
  checkpoints,
  store,
  now,
}: {
  checkpoints: readonly CheckpointInspection[];
  store: string;
  now: number;
}): ReactNode {
  return (
    <Table
      caption="Checkpoints"
      headers={CHECKPOINT_HEADERS}
      empty={checkpoints.length === 0 && `None read or written yet (store: ${store}).`}
    >
      {checkpoints.map((checkpoint) => (
        <tr key={checkpoint.key} data-key={checkpoint.key}>
          <td style={cellStyle}>{checkpoint.key}</td>
          <td style={cellStyle}>{checkpoint.url}</td>
          <td style={cellStyle}>
            {checkpoint.offset}
            {checkpoint.closed && <span style={mutedStyle}> (closed)</span>}
          </td>
          <td style={cellStyle}>{formatAgo(checkpoint.savedAt, now)}</td>
          <td style={cellStyle}>{store}</td>
        </tr>
      ))}
    </Table>
  );
}
