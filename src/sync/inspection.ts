import type { LiveMode, Offset } from "../client/index.js";
import type { CheckpointRecord, CheckpointStore } from "./checkpoint-store.js";
import type { SharedProducer } from "./producers.js";
import type { ReadAs } from "./reducers.js";
import type { StreamsRuntime } from "./runtime.js";
import type { LiveSession } from "./session.js";
import type { DurableStreamStatus } from "./status.js";
import type { TabRole } from "./tab-rules.js";

export type { TabRole } from "./tab-rules.js";

/** One live session as an inspector shows it. */
export interface SessionInspection {
  /** The registry key: equal keys share one session. */
  readonly key: string;
  readonly url: string;
  /** How it reads: `undefined` until the content type decided it. */
  readonly as: ReadAs | undefined;
  readonly live: LiveMode;
  /** Its checkpoint key, if it persists. */
  readonly persist: string | undefined;
  readonly status: DurableStreamStatus;
  /**
   * Its part in cross-tab sharing: `leads` (this tab reads the stream for
   * every tab), `follows` (another tab reads; this one folds its batches),
   * or `alone` (not shared: sharing off or unsupported, or not running).
   */
  readonly tab: TabRole;
  readonly offset: Offset | undefined;
  /** Views holding it (0 during the grace period before it ends). */
  readonly subscribers: number;
  /** Messages folded in (a text or byte view counts chunks). */
  readonly messages: number;
  /** Body bytes received over every read it made. */
  readonly bytes: number;
  /** When reconnecting: the time of the next attempt (ms since the epoch). */
  readonly retryAt: number | undefined;
  /** The current error, if the view is failing now. */
  readonly error: Error | undefined;
  /** The last failure, kept after it recovered. */
  readonly lastError: Error | undefined;
  readonly lastErrorAt: number | undefined;
}

/** One idempotent producer as an inspector shows it. */
export interface ProducerInspection {
  readonly key: string;
  readonly url: string;
  readonly id: string;
  readonly epoch: number;
  readonly nextSeq: number;
  /** Messages appended, not yet sent. */
  readonly pending: number;
  /** Batches on the wire. */
  readonly inFlight: number;
  readonly lastOffset: Offset | undefined;
  readonly lastError: Error | undefined;
  readonly stopped: boolean;
  readonly subscribers: number;
}

/** A checkpoint this page read or wrote, as last seen. */
export interface CheckpointInspection {
  readonly key: string;
  readonly url: string;
  readonly offset: Offset;
  readonly closed: boolean;
  /** When the record was saved (ms since the epoch). */
  readonly savedAt: number;
}

/** Everything a {@link StreamsRuntime} holds, as one immutable picture. */
export interface RuntimeInspection {
  readonly sessions: readonly SessionInspection[];
  readonly producers: readonly ProducerInspection[];
  readonly checkpoints: readonly CheckpointInspection[];
  /** The checkpoint store's kind: `"indexeddb"`, `"memory"`, or your store's. */
  readonly checkpointStore: string;
}

const pictures = new WeakMap<StreamsRuntime, { version: number; value: RuntimeInspection }>();

/**
 * The runtime as one immutable picture: the same object until
 * `runtime.version` changes, so it can back `useSyncExternalStore` with
 * `runtime.subscribe`. Lives apart from the runtime so that apps without an
 * inspector do not bundle it.
 */
export function inspectRuntime(runtime: StreamsRuntime): RuntimeInspection {
  const { version } = runtime;
  const cached = pictures.get(runtime);
  if (cached?.version === version) return cached.value;
  const value: RuntimeInspection = {
    sessions: runtime.sessions
      .list()
      .map(({ key, value, refs }) => inspectSession(key, value, refs)),
    producers: runtime.producers
      .list()
      .map(({ key, value, refs }) => inspectProducer(key, value, refs)),
    checkpoints: [...runtime.seenCheckpoints.values()],
    checkpointStore: runtime.checkpoints.kind,
  };
  pictures.set(runtime, { version, value });
  return value;
}

function inspectSession(
  key: string,
  session: LiveSession<unknown, unknown>,
  subscribers: number,
): SessionInspection {
  const { status, offset, retryAt, error } = session.getSnapshot();
  const { traffic, view } = session;
  return {
    key,
    url: session.url,
    as: view.as,
    live: view.live,
    persist: view.persist,
    status,
    tab: session.tabRole,
    offset,
    subscribers,
    messages: traffic.messages,
    bytes: traffic.bytes,
    retryAt,
    error,
    lastError: traffic.lastError,
    lastErrorAt: traffic.lastErrorAt,
  };
}

function inspectProducer(
  key: string,
  shared: SharedProducer,
  subscribers: number,
): ProducerInspection {
  const { producer } = shared;
  return {
    key,
    url: shared.url,
    id: producer.id,
    epoch: producer.epoch,
    nextSeq: producer.nextSeq,
    pending: producer.pendingCount,
    inFlight: producer.inFlightCount,
    lastOffset: producer.lastOffset,
    lastError: producer.lastError,
    stopped: producer.stopped,
    subscribers,
  };
}

/**
 * The store the sessions use, telling `seen` about every record read or
 * written and every key deleted. Calls go through unchanged and in the same
 * task (an urgent write must start within it).
 */
export function observedCheckpoints(
  store: CheckpointStore,
  seen: (key: string, record: CheckpointRecord | undefined) => void,
): CheckpointStore {
  return {
    get kind() {
      return store.kind;
    },
    get(key) {
      return store.get(key).then((record) => {
        if (record) seen(key, record);
        return record;
      });
    },
    put(key, record, options) {
      return store.put(key, record, options).then(() => seen(key, record));
    },
    delete(key) {
      return store.delete(key).then(() => seen(key, undefined));
    },
  };
}

/**
 * Change notices for inspectors: every change bumps a version; listeners
 * hear about a burst of changes once, in a later task, so a fast stream costs
 * an app without inspectors one increment per change.
 */
export class ChangeFeed {
  version = 0;
  private readonly listeners = new Set<() => void>();
  private scheduled = false;

  changed = (): void => {
    this.version++;
    if (this.listeners.size === 0 || this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      for (const listener of [...this.listeners]) listener();
    }, 0);
  };

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
