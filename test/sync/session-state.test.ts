import { describe, expect, it } from "vitest";
import { NetworkError } from "../../src/client/index.js";
import {
  sessionReducer,
  type BatchMeta,
  type SessionEvent,
  type SessionProgress,
} from "../../src/sync/session-state.js";
import type { DurableStreamStatus, StreamSnapshot } from "../../src/sync/status.js";

type Snapshot = StreamSnapshot<string[]>;
type Event = SessionEvent<string[]>;

const failure = new NetworkError("connection reset");
const data = ["a", "b"];

const base: Snapshot = {
  state: [],
  status: "idle",
  error: undefined,
  offset: undefined,
  cursor: undefined,
  isUpToDate: false,
  closed: false,
  retryAt: undefined,
  restoredFrom: undefined,
};

/** A previous snapshot: a status, and whatever else the row needs. */
const was = (status: DurableStreamStatus, more: Partial<Snapshot> = {}): Snapshot => ({
  ...base,
  status,
  ...more,
});

/** A healthy live view holding `data` at offset 5. */
const live = was("live", { state: data, offset: "5", cursor: "c5", isUpToDate: true });

const caughtUp: SessionProgress = { caughtUp: true, live: "auto" };
const replaying: SessionProgress = { caughtUp: false, live: "auto" };
const liveOff: SessionProgress = { caughtUp: true, live: "off" };

const meta = (more: Partial<BatchMeta> = {}): BatchMeta => ({
  offset: "5",
  cursor: "c5",
  upToDate: true,
  closed: false,
  ...more,
});
const batch = (
  state: string[],
  progress: SessionProgress,
  more: Partial<BatchMeta> = {},
): Event => ({
  type: "batch",
  state,
  meta: meta(more),
  ...progress,
});

/** Expected: the fields that change (everything else stays), or the very same snapshot. */
const SAME = "same" as const;

const rows: Array<[string, Snapshot, Event, Partial<Snapshot> | typeof SAME]> = [
  // Restoring and connecting
  ["idle, restoring: restoring", was("idle"), { type: "restoring" }, { status: "restoring" }],
  [
    "restored from an open stream's checkpoint: its state and position, not up to date",
    was("restoring"),
    { type: "restored", state: data, offset: "5", cursor: "c5", closed: false },
    { state: data, offset: "5", cursor: "c5", closed: false, restoredFrom: "checkpoint" },
  ],
  [
    "restored from a closed stream's checkpoint: closed and up to date",
    was("restoring"),
    { type: "restored", state: data, offset: "9", cursor: undefined, closed: true },
    { state: data, offset: "9", closed: true, isUpToDate: true, restoredFrom: "checkpoint" },
  ],
  ["idle, connecting", was("idle"), { type: "connecting" }, { status: "connecting" }],
  [
    "reconnecting, connecting: the error and retry time stay until data or an answer",
    was("reconnecting", { error: failure, retryAt: 1000 }),
    { type: "connecting" },
    { status: "connecting" },
  ],
  // The client's retries inside a read
  [
    "live, retrying: reconnecting at the time given, still up to date",
    live,
    { type: "retrying", error: failure, retryAt: 2000 },
    { status: "reconnecting", error: failure, retryAt: 2000 },
  ],
  [
    "reconnecting, offline: no retry time (the network decides)",
    was("reconnecting", { retryAt: 2000 }),
    { type: "offline", error: failure },
    { status: "offline", error: failure, retryAt: undefined },
  ],
  [
    "offline, connected after catching up: live, the failure cleared",
    was("offline", { error: failure, isUpToDate: true }),
    { type: "connected", ...caughtUp },
    { status: "live", error: undefined },
  ],
  [
    "reconnecting, connected while replaying: catching up, the failure cleared",
    was("reconnecting", { error: failure, retryAt: 2000 }),
    { type: "connected", ...replaying },
    { status: "catching-up", error: undefined, retryAt: undefined },
  ],
  ["live, connected: nothing to clear", live, { type: "connected", ...caughtUp }, SAME],
  [
    "connecting, connected: nothing to clear",
    was("connecting"),
    { type: "connected", ...replaying },
    SAME,
  ],
  // Hidden tabs
  ["live, paused", live, { type: "paused" }, { status: "paused" }],
  [
    "paused, resumed after catching up: live",
    was("paused"),
    { type: "resumed", ...caughtUp },
    { status: "live" },
  ],
  [
    "paused, resumed while replaying: catching up",
    was("paused"),
    { type: "resumed", ...replaying },
    { status: "catching-up" },
  ],
  [
    "paused, resumed with live off: idle",
    was("paused"),
    { type: "resumed", ...liveOff },
    { status: "idle" },
  ],
  [
    "paused, resumed on a closed stream: closed",
    was("paused", { closed: true }),
    { type: "resumed", ...caughtUp },
    { status: "closed" },
  ],
  [
    "live, resumed: a new snapshot all the same (the status is set, not compared)",
    live,
    { type: "resumed", ...caughtUp },
    {},
  ],
  // Batches while replaying: only the status shows
  [
    "connecting, first replay batch: catching up, the state not shown yet",
    was("connecting"),
    batch(data, replaying, { upToDate: false }),
    { status: "catching-up" },
  ],
  [
    "catching up, another replay batch: nothing shown",
    was("catching-up"),
    batch(data, replaying, { upToDate: false }),
    SAME,
  ],
  [
    "reconnecting, replay batch: catching up, the failure cleared",
    was("reconnecting", { error: failure, retryAt: 2000 }),
    batch(data, replaying, { upToDate: false }),
    { status: "catching-up", error: undefined, retryAt: undefined },
  ],
  [
    "connecting, a closing batch before up to date: closed, the state not shown yet",
    was("connecting"),
    batch(data, replaying, { upToDate: false, closed: true }),
    { status: "closed" },
  ],
  // Batches once caught up: committed whole
  [
    "catching up, reaching up to date: the whole replay at once, live",
    was("catching-up"),
    batch(data, caughtUp),
    { state: data, status: "live", offset: "5", cursor: "c5", isUpToDate: true },
  ],
  [
    "catching up, reaching up to date with live off: idle",
    was("catching-up"),
    batch(data, liveOff),
    { state: data, status: "idle", offset: "5", cursor: "c5", isUpToDate: true },
  ],
  [
    "live, an empty long-poll answer or keep-alive: nothing shown",
    live,
    batch(data, caughtUp),
    SAME,
  ],
  [
    "live, only the cursor moved: nothing shown",
    live,
    batch(data, caughtUp, { cursor: "c6" }),
    SAME,
  ],
  [
    "live, new data: state and offset",
    live,
    batch(["a", "b", "c"], caughtUp, { offset: "6", cursor: "c6" }),
    { state: ["a", "b", "c"], offset: "6", cursor: "c6" },
  ],
  [
    "live, the same state at a new offset (a reducer that ignores it): the offset shows",
    live,
    batch(data, caughtUp, { offset: "6" }),
    { offset: "6" },
  ],
  [
    "live, behind again (not up to date): shown",
    live,
    batch(data, caughtUp, { upToDate: false }),
    { isUpToDate: false },
  ],
  [
    "live, the closing batch: closed",
    live,
    batch(data, caughtUp, { offset: "9", closed: true }),
    { status: "closed", offset: "9", closed: true },
  ],
  [
    "reconnecting, an empty answer once caught up: live, the failure cleared",
    { ...live, status: "reconnecting", error: failure, retryAt: 2000 },
    batch(data, caughtUp),
    { status: "live", error: undefined, retryAt: undefined },
  ],
  // Failed reads
  [
    "live, restarting after a failed read: reconnecting at the time given, not up to date",
    live,
    { type: "restarting", error: failure, retryAt: 3000 },
    { status: "reconnecting", error: failure, retryAt: 3000, isUpToDate: false },
  ],
  [
    "reconnecting, failed for good: error, no retry time, not up to date",
    { ...live, status: "reconnecting", error: failure, retryAt: 3000 },
    { type: "failed", error: failure },
    { status: "error", retryAt: undefined, isUpToDate: false },
  ],
  [
    "live from a checkpoint, reset at once (offset gone): empty, connecting",
    { ...live, restoredFrom: "checkpoint" },
    { type: "reset", state: [], retryAt: undefined },
    {
      state: [],
      status: "connecting",
      offset: undefined,
      cursor: undefined,
      isUpToDate: false,
      restoredFrom: undefined,
    },
  ],
  [
    "reconnecting, reset again before healthy: empty, reconnecting at the time given",
    { ...live, status: "reconnecting", error: failure },
    { type: "reset", state: [], retryAt: 4000 },
    {
      state: [],
      status: "reconnecting",
      offset: undefined,
      cursor: undefined,
      isUpToDate: false,
      error: undefined,
      retryAt: 4000,
    },
  ],
  [
    "a closed checkpoint, closed: nothing to read, up to date",
    was("idle", { state: data, offset: "9", closed: true, isUpToDate: true }),
    { type: "closed" },
    { status: "closed", isUpToDate: true },
  ],
  // Stopping
  ["live, stopped: idle", live, { type: "stopped" }, { status: "idle" }],
  [
    "reconnecting, stopped: idle, no retry time (the error stays)",
    was("reconnecting", { error: failure, retryAt: 2000 }),
    { type: "stopped" },
    { status: "idle", retryAt: undefined },
  ],
  ["closed, stopped: still closed", was("closed", { closed: true }), { type: "stopped" }, SAME],
  [
    "error, stopped: still showing the error",
    was("error", { error: failure }),
    { type: "stopped" },
    SAME,
  ],
  // Following another tab (cross-tab): the leader's status, mirrored
  [
    "following live, the leader reconnects: reconnecting with its error and time",
    live,
    { type: "mirrored", status: "reconnecting", error: failure, retryAt: 3000, ...caughtUp },
    { status: "reconnecting", error: failure, retryAt: 3000 },
  ],
  [
    "following, the leader is offline: offline",
    live,
    { type: "mirrored", status: "offline", error: failure, retryAt: undefined, ...caughtUp },
    { status: "offline", error: failure },
  ],
  [
    "following a reconnecting leader, it is live again: live, error and time cleared",
    { ...live, status: "reconnecting", error: failure, retryAt: 3000 },
    { type: "mirrored", status: "live", error: undefined, retryAt: undefined, ...caughtUp },
    { status: "live", error: undefined, retryAt: undefined },
  ],
  [
    "following live, the new leader connects: this view stays live (its own data is current)",
    live,
    { type: "mirrored", status: "connecting", error: undefined, retryAt: undefined, ...caughtUp },
    SAME,
  ],
  [
    "following live, the leader catches up: still live",
    live,
    { type: "mirrored", status: "catching-up", error: undefined, retryAt: undefined, ...caughtUp },
    SAME,
  ],
  [
    "still catching up on its own: the leader's status is not shown yet",
    was("catching-up"),
    { type: "mirrored", status: "reconnecting", error: failure, retryAt: 3000, ...replaying },
    SAME,
  ],
  [
    "closed: the leader's status changes nothing",
    was("closed", { closed: true, isUpToDate: true }),
    { type: "mirrored", status: "reconnecting", error: failure, retryAt: 3000, ...caughtUp },
    SAME,
  ],
  [
    "the same status again: the same snapshot",
    { ...live, status: "paused" },
    { type: "mirrored", status: "paused", error: undefined, retryAt: undefined, ...caughtUp },
    SAME,
  ],
];

describe("sessionReducer", () => {
  it.each(rows)("%s", (_name, previous, event, expected) => {
    const frozen = Object.freeze({ ...previous });
    const next = sessionReducer(frozen, event);
    if (expected === SAME) {
      expect(next).toBe(frozen);
    } else {
      expect(next).not.toBe(frozen);
      expect(next).toEqual({ ...previous, ...expected });
    }
  });
});
