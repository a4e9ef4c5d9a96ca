import type { Offset } from "../client/index.js";
import { defaultInitial, type ReadAs } from "./reducers.js";

/**
 * Where a live view stands.
 * - `idle`: not connected (disabled, not started yet, or a finished `live: "off"` read).
 * - `restoring`: reading the saved checkpoint before connecting.
 * - `connecting`: the first request is on its way.
 * - `catching-up`: replaying what the stream already holds.
 * - `live`: up to date and following new data.
 * - `paused`: the tab is hidden; the live request is parked.
 * - `reconnecting`: a transient failure; `retryAt` says when the next attempt goes.
 * - `offline`: the host reports no network; reading resumes the moment it returns.
 * - `closed`: the stream ended; everything was read.
 * - `error`: a failure that will not heal by itself; `retry()` tries again.
 */
export type DurableStreamStatus =
  | "idle"
  | "restoring"
  | "connecting"
  | "catching-up"
  | "live"
  | "paused"
  | "reconnecting"
  | "offline"
  | "closed"
  | "error";

/** An immutable picture of one live view; a new object on every change. */
export interface StreamSnapshot<State> {
  readonly state: State;
  readonly status: DurableStreamStatus;
  readonly error: Error | undefined;
  /** The offset the state corresponds to. */
  readonly offset: Offset | undefined;
  readonly cursor: string | undefined;
  readonly isUpToDate: boolean;
  readonly closed: boolean;
  /** When reconnecting: the time (ms since the epoch) of the next attempt. */
  readonly retryAt: number | undefined;
  /** Where the state came from before the first network data: a checkpoint, server-rendered data, or nothing. */
  readonly restoredFrom: "checkpoint" | "initialData" | undefined;
}

/**
 * A view's picture before it has done anything: the server-rendered state if
 * there is one, else the initial state (by default empty for its kind).
 */
export function initialSnapshot<State>(view: {
  as?: ReadAs | undefined;
  initial?: State | undefined;
  initialData?: { state: State; offset: Offset; cursor?: string } | undefined;
}): StreamSnapshot<State> {
  return {
    state: view.initialData?.state ?? view.initial ?? (defaultInitial(view.as ?? "json") as State),
    status: "idle",
    error: undefined,
    offset: view.initialData?.offset,
    cursor: view.initialData?.cursor,
    isUpToDate: false,
    closed: false,
    retryAt: undefined,
    restoredFrom: view.initialData ? "initialData" : undefined,
  };
}
