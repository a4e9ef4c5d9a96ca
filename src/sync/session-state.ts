import type { ChunkMeta, LiveMode, Offset, ReadSessionObserver } from "../client/index.js";
import type { DurableStreamStatus, StreamSnapshot } from "./status.js";

/**
 * What a session knows beyond its snapshot when its status settles: whether
 * it has caught up since it last (re)started from the beginning, and its live
 * mode (a caught-up `live: "off"` view is idle, not live).
 */
export interface SessionProgress {
  readonly caughtUp: boolean;
  readonly live: LiveMode;
}

/** The parts of a batch's metadata a snapshot shows. */
export type BatchMeta = Pick<ChunkMeta, "offset" | "cursor" | "upToDate" | "closed">;

/**
 * Everything that changes a live session's snapshot, by name. Times come in
 * the events (`retryAt`), so {@link sessionReducer} stays pure.
 */
export type SessionEvent<State> =
  /** Reading the saved checkpoint before connecting. */
  | { readonly type: "restoring" }
  /** A checkpoint was restored (newer than any server-rendered data). */
  | {
      readonly type: "restored";
      readonly state: State;
      readonly offset: Offset;
      readonly cursor: string | undefined;
      readonly closed: boolean;
    }
  /** A read is starting. */
  | { readonly type: "connecting" }
  /** The client retries a request of the read at `retryAt`. */
  | { readonly type: "retrying"; readonly error: Error; readonly retryAt: number }
  /** The host is offline; the read waits for the network. */
  | { readonly type: "offline"; readonly error: Error }
  /** The tab is hidden: the live request is parked. */
  | { readonly type: "paused" }
  /** The tab is visible again. */
  | ({ readonly type: "resumed" } & SessionProgress)
  /** A request of the read got an answer (ends a reconnect or offline spell). */
  | ({ readonly type: "connected" } & SessionProgress)
  /** A batch was folded into `state`. */
  | ({ readonly type: "batch"; readonly state: State; readonly meta: BatchMeta } & SessionProgress)
  /** The read failed; the session reads again at `retryAt`. */
  | { readonly type: "restarting"; readonly error: Error; readonly retryAt: number }
  /** The read failed for good: shown until `retry()`. */
  | { readonly type: "failed"; readonly error: Error }
  /** The offset is gone: back to `state` (the initial one), reading from the beginning at `retryAt` (now if undefined). */
  | { readonly type: "reset"; readonly state: State; readonly retryAt: number | undefined }
  /** The stream was already closed (a restored checkpoint says so): nothing to read. */
  | { readonly type: "closed" }
  /** The session stopped reading (its last view left). */
  | { readonly type: "stopped" }
  /** The tab that reads for this one (cross-tab) has this status. */
  | ({
      readonly type: "mirrored";
      readonly status: DurableStreamStatus;
      readonly error: Error | undefined;
      readonly retryAt: number | undefined;
    } & SessionProgress);

/**
 * The snapshot after `event`. Pure: returns `snapshot` itself when nothing a
 * view shows changes, so the session notifies no one (an empty long-poll
 * answer, an SSE keep-alive, a catch-up piece).
 */
export function sessionReducer<State>(
  snapshot: StreamSnapshot<State>,
  event: SessionEvent<State>,
): StreamSnapshot<State> {
  switch (event.type) {
    case "restoring":
    case "connecting":
    case "paused":
      return { ...snapshot, status: event.type };
    case "restored": {
      const { state, offset, cursor, closed } = event;
      const restoredFrom = "checkpoint";
      return { ...snapshot, state, offset, cursor, closed, isUpToDate: closed, restoredFrom };
    }
    case "retrying":
      return { ...snapshot, status: "reconnecting", retryAt: event.retryAt, error: event.error };
    case "offline":
      return { ...snapshot, status: "offline", retryAt: undefined, error: event.error };
    case "resumed":
      return { ...snapshot, status: settledStatus(snapshot, event) };
    case "connected":
      if (snapshot.status !== "reconnecting" && snapshot.status !== "offline") return snapshot;
      return {
        ...snapshot,
        status: settledStatus(snapshot, event),
        retryAt: undefined,
        error: undefined,
      };
    case "batch":
      return afterBatch(snapshot, event);
    case "restarting": {
      const { error, retryAt } = event;
      return { ...snapshot, status: "reconnecting", error, retryAt, isUpToDate: false };
    }
    case "failed":
      return {
        ...snapshot,
        status: "error",
        error: event.error,
        retryAt: undefined,
        isUpToDate: false,
      };
    case "reset":
      return {
        ...snapshot,
        state: event.state,
        offset: undefined,
        cursor: undefined,
        isUpToDate: false,
        closed: false,
        restoredFrom: undefined,
        status: event.retryAt === undefined ? "connecting" : "reconnecting",
        error: undefined,
        retryAt: event.retryAt,
      };
    case "closed":
      return { ...snapshot, status: "closed", isUpToDate: true };
    case "mirrored": {
      // What this tab has folded decides closed and up to date; the leader only says how it is reading.
      if (snapshot.closed || !event.caughtUp) return snapshot;
      // A leader's trouble shows as it is; any other status of its (connecting, catching up) is this view's own.
      const troubled = MIRRORED.has(event.status);
      const status = troubled ? event.status : settledStatus(snapshot, event);
      const error = troubled ? event.error : undefined;
      const retryAt = troubled ? event.retryAt : undefined;
      if (status === snapshot.status && error === snapshot.error && retryAt === snapshot.retryAt) {
        return snapshot;
      }
      return { ...snapshot, status, error, retryAt };
    }
    case "stopped":
      // A closed or failed view keeps showing why it ended.
      if (snapshot.status === "closed" || snapshot.status === "error") return snapshot;
      return { ...snapshot, status: "idle", retryAt: undefined };
  }
}

/** The leader's statuses a following tab shows as its own. */
const MIRRORED: ReadonlySet<DurableStreamStatus> = new Set([
  "reconnecting",
  "offline",
  "paused",
  "error",
]);

/** The status of a healthy view. */
function settledStatus(
  snapshot: StreamSnapshot<unknown>,
  progress: SessionProgress,
): DurableStreamStatus {
  if (snapshot.closed) return "closed";
  if (!progress.caughtUp) return "catching-up";
  return progress.live === "off" ? "idle" : "live";
}

function afterBatch<State>(
  snapshot: StreamSnapshot<State>,
  event: { readonly state: State; readonly meta: BatchMeta } & SessionProgress,
): StreamSnapshot<State> {
  const { state, meta, caughtUp } = event;
  const status: DurableStreamStatus = meta.closed
    ? "closed"
    : caughtUp
      ? settledStatus(snapshot, event)
      : "catching-up";
  if (!caughtUp) {
    // A replay is not shown piece by piece: only the status changes until up to date.
    if (snapshot.status === "catching-up") return snapshot;
    return { ...snapshot, status, error: undefined, retryAt: undefined };
  }
  const visible =
    state !== snapshot.state ||
    status !== snapshot.status ||
    meta.offset !== snapshot.offset ||
    meta.upToDate !== snapshot.isUpToDate ||
    meta.closed !== snapshot.closed ||
    snapshot.error !== undefined ||
    snapshot.retryAt !== undefined;
  if (!visible) return snapshot;
  return {
    ...snapshot,
    state,
    status,
    offset: meta.offset,
    cursor: meta.cursor,
    isUpToDate: meta.upToDate,
    closed: meta.closed,
    error: undefined,
    retryAt: undefined,
  };
}

/** The client's read callbacks, as session events (times taken now). */
export function readEvents<State>(
  dispatch: (event: SessionEvent<State>) => void,
  progress: () => SessionProgress,
): ReadSessionObserver {
  return {
    onRetry: ({ delayMs, error, offline }) =>
      dispatch(
        offline
          ? { type: "offline", error }
          : { type: "retrying", error, retryAt: Date.now() + delayMs },
      ),
    onPause: (paused) => dispatch(paused ? { type: "paused" } : { type: "resumed", ...progress() }),
    onConnected: () => dispatch({ type: "connected", ...progress() }),
  };
}
