import type { CSSProperties, ReactNode } from "react";
import type { DurableStreamStatus as Status } from "../sync/index.js";

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
