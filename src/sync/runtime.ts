import type { DurableStreamClient, LiveMode, Offset } from "../client/index.js";
import { memoryCheckpoints, type CheckpointStore } from "./checkpoint-store.js";
import type { Outbox } from "./outbox-engine.js";
import type { SharedProducer } from "./producers.js";
import type { ReadAs, StreamReducer } from "./reducers.js";
import { SharedRegistry } from "./registry.js";
import { ChangeFeed, observedCheckpoints, type CheckpointInspection } from "./inspection.js";
import { sessionObserver, type ObserveOptions, type StreamObserver } from "./observer.js";
import { checkRuntimeOptions } from "./option-checks.js";
import { RenderScheduler, type Throttle } from "./scheduler.js";
import { LiveSession } from "./session.js";
import { browserTabEnvironment, openTabShare, type TabEnvironment } from "./tab-share.js";

/** Settings of a {@link StreamsRuntime}. */
export interface StreamsRuntimeOptions {
  client: DurableStreamClient;
  /** Where checkpoints go; memory when absent. */
  checkpoints?: CheckpointStore | undefined;
  /** Where durable producers store their messages until delivered; durable producers need one. */
  outbox?: Outbox | undefined;
  /** How long an unused session or producer lives on. Default 3000 ms. */
  gracePeriodMs?: number | undefined;
  /** Default render throttle of live views. Default `"frame"`. */
  throttle?: Throttle | undefined;
  /** How often a flowing view saves its checkpoint. Default 1000 ms. */
  checkpointIntervalMs?: number | undefined;
  /**
   * One live read per stream and view shape for all tabs of the origin (Web
   * Locks elect the tab that reads, BroadcastChannel carries its batches to
   * the others). Default true; false reads in every tab. Where either API is
   * missing every tab reads on its own. A {@link TabEnvironment} stands in
   * for the browser's (tests).
   */
  crossTab?: boolean | TabEnvironment | undefined;
}

/** The shape of a live view: what makes two views share one session. */
export interface ViewShape<Item, State> {
  as?: ReadAs | undefined;
  live: LiveMode;
  persist?: string | undefined;
  version: string;
  pauseWhenHidden: boolean;
  reducer?: StreamReducer<Item, State> | undefined;
  initial?: State | undefined;
  initialData?: { state: State; offset: Offset; cursor?: string } | undefined;
}

/**
 * Everything a tree of live views shares: the client, the checkpoint store,
 * one session per stream and view shape, one producer per stream and
 * producer id, and one render scheduler. Framework-free; the React provider
 * holds one.
 */
export class StreamsRuntime {
  readonly client: DurableStreamClient;
  readonly checkpoints: CheckpointStore;
  /** Where durable producers store their messages. */
  readonly outbox: Outbox | undefined;
  readonly sessions: SharedRegistry<LiveSession<unknown, unknown>>;
  readonly producers: SharedRegistry<SharedProducer>;
  readonly scheduler = new RenderScheduler();
  readonly throttle: Throttle;
  readonly gracePeriodMs: number;
  private readonly checkpointIntervalMs: number;
  private storeFailureReported = false;
  private readonly feed = new ChangeFeed();
  private readonly seenCheckpointRecords = new Map<string, CheckpointInspection>();
  private readonly crossTab: boolean | TabEnvironment;
  private tabs: TabEnvironment | undefined;

  constructor(options: StreamsRuntimeOptions) {
    checkRuntimeOptions(options);
    this.client = options.client;
    this.outbox = options.outbox;
    this.checkpoints = observedCheckpoints(
      options.checkpoints ?? memoryCheckpoints(),
      (key, record) => {
        if (record) {
          const { url, offset, closed, savedAt } = record;
          this.seenCheckpointRecords.set(key, { key, url, offset, closed, savedAt });
        } else {
          this.seenCheckpointRecords.delete(key);
        }
        this.feed.changed();
      },
    );
    this.gracePeriodMs = options.gracePeriodMs ?? 3000;
    this.throttle = options.throttle ?? "frame";
    this.checkpointIntervalMs = options.checkpointIntervalMs ?? 1000;
    this.crossTab = options.crossTab ?? true;
    this.sessions = new SharedRegistry(this.gracePeriodMs, this.feed.changed);
    this.producers = new SharedRegistry(this.gracePeriodMs, this.feed.changed);
  }

  /**
   * Calls `listener` after anything an inspector shows changed (sessions,
   * their status and traffic, producers, checkpoints), at most once per task.
   * Returns the unsubscribe function. For devtools (`inspectRuntime` from
   * `react-durable-streams/devtools` reads the picture): no polling needed.
   */
  subscribe(listener: () => void): () => void {
    return this.feed.subscribe(listener);
  }

  /** @internal Tells inspectors something changed (producers made in runtime-producers.ts). */
  get changed(): () => void {
    return this.feed.changed;
  }

  /** A number that changes whenever anything an inspector shows changed. */
  get version(): number {
    return this.feed.version;
  }

  /** The checkpoints this page read or wrote, as last seen, by key (for inspectors). */
  get seenCheckpoints(): ReadonlyMap<string, CheckpointInspection> {
    return this.seenCheckpointRecords;
  }

  /**
   * The key of a view's session: equal keys share one HTTP session and one
   * reduced state. A view with its own reducer never shares with a view on
   * the default one (their states have different shapes); views with
   * different custom reducers of one stream tell them apart by `version`.
   */
  sessionKey<Item, State>(url: string, shape: ViewShape<Item, State>): string {
    return JSON.stringify([
      url,
      shape.as ?? null,
      shape.live,
      shape.persist ?? null,
      shape.version,
      shape.pauseWhenHidden,
      shape.reducer ? "reducer" : "default",
    ]);
  }

  /**
   * An observer of a view's session for a UI binding: `subscribe` holds the
   * session (shared by every view of equal key), `getSnapshot` reads it.
   * No I/O until subscribed; `url: null` observes nothing (a disabled view).
   */
  observe<Item, State>(
    url: string | null,
    shape: ViewShape<Item, State>,
    options: ObserveOptions = {},
  ): StreamObserver<Item, State> {
    const key = url === null ? "disabled" : this.sessionKey(url, shape);
    return sessionObserver(this, url, key, shape, options.throttle ?? this.throttle);
  }

  /** The session for a view, created (not started) when missing. No I/O. */
  session<Item, State>(url: string, shape: ViewShape<Item, State>): LiveSession<Item, State> {
    const key = this.sessionKey(url, shape);
    return this.sessions.get(key, () =>
      this.createSession(url, shape as ViewShape<unknown, unknown>),
    ) as unknown as LiveSession<Item, State>;
  }

  /** Takes a reference on a view's session, starting it for its first user. */
  retainSession<Item, State>(url: string, shape: ViewShape<Item, State>): () => void {
    const key = this.sessionKey(url, shape);
    return this.sessions.acquire(key, () =>
      this.createSession(url, shape as ViewShape<unknown, unknown>),
    );
  }

  /** Ends every session and producer now. */
  async dispose(): Promise<void> {
    await Promise.all([this.sessions.dispose(), this.producers.dispose()]);
  }

  private createSession(
    url: string,
    shape: ViewShape<unknown, unknown>,
  ): LiveSession<unknown, unknown> {
    return new LiveSession({
      client: this.client,
      url,
      as: shape.as,
      live: shape.live,
      reducer: shape.reducer,
      initial: shape.initial,
      persist: shape.persist,
      version: shape.version,
      store: this.checkpoints,
      initialData: shape.initialData,
      pauseWhenHidden: shape.pauseWhenHidden,
      checkpointIntervalMs: this.checkpointIntervalMs,
      onStoreError: (error) => this.reportStoreFailure(error),
      onActivity: this.feed.changed,
      share: (onPeer) => {
        const tabs = this.tabEnvironment();
        if (!tabs) return undefined;
        const name = JSON.stringify([this.client.stream(url).url, this.sessionKey(url, shape)]);
        return openTabShare(name, tabs, onPeer);
      },
    });
  }

  /** The page's tab environment, found once; undefined when sharing is off or unsupported. */
  private tabEnvironment(): TabEnvironment | undefined {
    if (this.crossTab === false) return undefined;
    if (this.crossTab !== true) return this.crossTab;
    return (this.tabs ??= browserTabEnvironment());
  }

  private reportStoreFailure(error: unknown): void {
    if (this.storeFailureReported) return;
    this.storeFailureReported = true;
    console.warn(
      `[react-durable-streams] checkpoint store (${this.checkpoints.kind}) failed; views keep working from memory`,
      error,
    );
  }
}
