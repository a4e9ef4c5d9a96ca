import type { ChunkMeta, LiveMode, StreamResponse } from "../client/index.js";
import { combineSignals } from "../client/http.js";
import { CheckpointWriter } from "./checkpoint-writer.js";
import {
  defaultInitial,
  defaultReducer,
  readAsFor,
  reducerBatches,
  type ReadAs,
  type StreamReducer,
} from "./reducers.js";
import type { TextLog } from "./text-log.js";
import { recoveryFor } from "./recovery.js";
import { restartWait } from "./restart-wait.js";
import { restoreCheckpoint } from "./restore.js";
import {
  readEvents,
  sessionReducer,
  type SessionEvent,
  type SessionProgress,
} from "./session-state.js";
import { SessionTraffic } from "./session-traffic.js";
import type { LiveSessionOptions, Position } from "./session-options.js";
import { initialSnapshot, type StreamSnapshot } from "./status.js";
import { followLeader, type FollowingView } from "./tab-follow.js";
import { leaderVoice, type LeaderVoice } from "./tab-leader.js";
import type { TabRole } from "./tab-rules.js";
import type { TabShare } from "./tab-share.js";

export type { LiveSessionOptions } from "./session-options.js";

/**
 * One live view of a stream, shared by every component that reads it with
 * the same shape: restores the checkpoint, reads (catch-up, then live),
 * folds batches through the reducer, keeps the status, saves checkpoints, and
 * restarts after failures. Listeners hear about changes synchronously; a
 * catch-up replay is committed once, when it reaches up to date.
 */
export class LiveSession<Item = unknown, State = unknown> {
  private snapshot: StreamSnapshot<State>;
  private readonly listeners = new Set<() => void>();
  private reducer: StreamReducer<Item, State> | undefined;
  private as: ReadAs | undefined;
  /** Working state: ahead of the snapshot while a catch-up has not reached up to date. */
  private working: Position<State>;
  /**
   * The last working position that is consistent: not in the middle of a
   * large response delivered in pieces. A restarted read starts from here, so
   * a piece is never folded in twice.
   */
  private consistent: Position<State>;
  private controller: AbortController | undefined;
  private writer: CheckpointWriter | undefined;
  private restored = false;
  private caughtUp = false;
  private failures = 0;
  /** Restarts from the beginning (offset gone) since the read was last healthy. */
  private resets = 0;
  private wake: (() => void) | undefined;
  private settled!: () => void;
  private log: TextLog | undefined;
  private share: TabShare | undefined;
  /** What this tab tells the others while it leads. */
  private voice: LeaderVoice | undefined;
  /** While following: the view must catch up on its own before it can follow the leader. */
  private needsCatchUp = true;
  /** What this session has received, and its last failure (for inspectors). */
  readonly traffic = new SessionTraffic();
  /** Whether {@link ready} has resolved. */
  isReady = false;
  /** Resolves once the view has restored and caught up once, or failed. For Suspense. */
  readonly ready: Promise<void>;

  constructor(private readonly options: LiveSessionOptions<Item, State>) {
    this.as = options.as;
    this.reducer = options.reducer;
    const initialState = options.initialData?.state ?? this.initialState();
    this.working = {
      state: initialState,
      offset: options.initialData?.offset,
      cursor: options.initialData?.cursor,
    };
    this.consistent = this.working;
    this.snapshot = { ...initialSnapshot(options), state: initialState };
    this.ready = new Promise<void>((resolve) => {
      this.settled = () => {
        this.isReady = true;
        resolve();
      };
    });
  }

  get url(): string {
    return this.options.url;
  }

  /** Whether this tab reads for the others, follows another tab, or reads alone (for inspectors). */
  get tabRole(): TabRole {
    if (!this.share) return "alone";
    return this.share.leadSignal ? "leads" : "follows";
  }

  /** How this session reads, for diagnostics (an inspector): not part of its key's format. */
  get view(): { as: ReadAs | undefined; live: LiveMode; persist: string | undefined } {
    return { as: this.options.as, live: this.options.live, persist: this.options.persist };
  }

  getSnapshot = (): StreamSnapshot<State> => this.snapshot;

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The latest reducer from the views (inline functions are fine: the newest one is used). */
  setReducer(reducer: StreamReducer<Item, State> | undefined): void {
    this.reducer = reducer;
  }

  /**
   * The recent pieces of a text view's text, while the text is the default
   * concatenation (read as text, no custom reducer): views take what is new
   * from here rather than slicing the whole text. Undefined otherwise. Made
   * with `make` on first use, so apps without such a view do not bundle it.
   */
  textLog(make: () => TextLog): TextLog | undefined {
    if (this.as !== "text" || this.reducer !== undefined) return undefined;
    return (this.log ??= make());
  }

  /** Starts reading (restoring the checkpoint first). Idempotent. */
  start(): void {
    if (this.controller) return;
    const controller = new AbortController();
    this.controller = controller;
    if (this.options.persist && this.options.store && !this.writer) {
      this.writer = new CheckpointWriter(
        this.options.store,
        this.options.persist,
        this.options.checkpointIntervalMs,
        (error) => this.options.onStoreError?.(error),
      );
    }
    if (this.options.live !== "off") {
      this.share = this.options.share?.((request) =>
        request === "retry" ? this.retry() : this.voice?.status(this.snapshot),
      );
      this.voice = this.share && leaderVoice(this.share);
    }
    void this.run(controller.signal);
  }

  /** Stops reading and writes the checkpoint; the state stays for a later start. */
  async stop(): Promise<void> {
    this.controller?.abort();
    this.controller = undefined;
    // Before "stopped": the other tabs must not show this tab's idle status.
    this.share?.close();
    this.share = undefined;
    this.voice = undefined;
    this.needsCatchUp = true;
    this.wake?.();
    const writer = this.writer;
    this.writer = undefined;
    this.dispatch({ type: "stopped" });
    await writer?.close();
  }

  /** Skips the wait of a reconnect, or tries again after an error. */
  retry(): void {
    // A following tab's view: the leading tab is the one that reads.
    if (this.share && !this.share.leadSignal) this.share.post({ t: "retry" });
    this.failures = 0;
    this.wake?.();
  }

  private async run(signal: AbortSignal): Promise<void> {
    if (!this.restored) {
      await this.restore(signal);
      // A stop during the restore leaves it to the next start.
      if (signal.aborted) return;
      this.restored = true;
    }
    while (!signal.aborted) {
      if (this.snapshot.closed) {
        this.dispatch({ type: "closed" });
        this.settled();
        return;
      }
      try {
        const finished = this.share
          ? await this.sharedTurn(this.share, signal)
          : await this.readOnce(signal, this.options.live);
        if (finished || signal.aborted) return;
      } catch (error) {
        if (signal.aborted) return;
        await this.recover(error, signal);
      }
    }
  }

  /** Restores the checkpoint, merged with server-rendered data: the newer offset wins. */
  private async restore(signal: AbortSignal): Promise<void> {
    const { store, persist, url, version, initialData } = this.options;
    if (!store || !persist) return;
    this.dispatch({ type: "restoring" });
    const decision = await restoreCheckpoint(
      store,
      persist,
      { url, version, initialOffset: initialData?.offset },
      (error) => this.options.onStoreError?.(error),
    );
    if (signal.aborted) return;
    if (decision.kind === "skip") {
      if (decision.discard) await this.writer?.discard();
      return;
    }
    const { offset, cursor, closed } = decision.record;
    const state = decision.record.state as State;
    this.working = { state, offset, cursor };
    this.consistent = this.working;
    this.dispatch({ type: "restored", state, offset, cursor, closed });
  }

  /**
   * One turn of a view shared across tabs: lead (the live read, told to the
   * other tabs) while holding the lead; else catch up on its own when it must,
   * then follow the leader until it leads, finds a gap, or the stream closes.
   * True when the view is finished.
   */
  private async sharedTurn(share: TabShare, signal: AbortSignal): Promise<boolean> {
    const lead = share.leadSignal;
    // The role may have changed since the last turn: inspectors show it.
    this.options.onActivity?.();
    if (lead) {
      this.voice?.status(this.snapshot);
      try {
        return await this.readOnce(combineSignals(signal, lead)!, this.options.live);
      } catch (error) {
        // Another tab took over: this one follows from where it stands.
        if (lead.aborted && !signal.aborted) return false;
        throw error;
      }
    }
    if (this.needsCatchUp) {
      if (await this.readOnce(signal, "off")) return true;
      if (signal.aborted) return false;
      this.needsCatchUp = false;
    }
    const outcome = await followLeader(share, this.following, signal);
    if (outcome === "resync") this.needsCatchUp = true;
    return outcome === "closed";
  }

  private readonly following: FollowingView = {
    position: () => this.consistent.offset,
    apply: (items, meta) =>
      this.apply(items as Item[], {
        ...meta,
        checkpoint: { offset: meta.offset, cursor: meta.cursor },
        partial: false,
      }),
    mirror: (status, error, retryAt) =>
      this.dispatch({ type: "mirrored", status, error, retryAt, ...this.progress() }),
    reset: () => this.resetState(undefined),
  };

  /** Whether this tab does the reading others follow (or reads alone). */
  private get leading(): boolean {
    return this.share === undefined || this.share.leadSignal !== undefined;
  }

  /** One read until it ends; true when the view is finished (closed, or caught up with live off). */
  private async readOnce(signal: AbortSignal, live: LiveMode): Promise<boolean> {
    this.dispatch({ type: "connecting" });
    const { client, url, pauseWhenHidden } = this.options;
    this.working = this.consistent;
    this.voice?.readStarted();
    const offset = this.working.offset ?? "-1";
    const response = await client.stream(url).read(
      {
        checkpoint: { offset, cursor: this.working.cursor },
        live,
        signal,
        pauseWhenHidden,
      },
      readEvents<State>(
        (event) => this.dispatch(event),
        () => this.progress(),
      ),
    );
    this.resolveReadAs(response);
    this.traffic.readStarted(response);
    try {
      for await (const { items, meta } of reducerBatches<Item>(response, this.as!)) {
        this.apply(items, meta);
        if (meta.closed) {
          await this.writer?.flush();
          this.settled();
          return true;
        }
      }
    } finally {
      this.traffic.readEnded();
    }
    if (live === "off" && !signal.aborted) {
      this.settled();
      // A shared view caught up with plain reads goes on following.
      return this.options.live === "off";
    }
    return false;
  }

  private resolveReadAs(response: StreamResponse): void {
    if (this.as !== undefined) return;
    this.as = readAsFor(response.contentType);
    // The provisional default state was a list; a text or byte view starts from its own empty value.
    if (this.options.initial === undefined && this.working.offset === undefined) {
      this.working = { ...this.working, state: defaultInitial(this.as) as State };
      this.consistent = this.working;
    }
  }

  private apply(items: readonly Item[], meta: ChunkMeta): void {
    this.voice?.batch(this.consistent.offset ?? "-1", items, meta);
    const reducer =
      this.reducer ?? (defaultReducer(this.as ?? "json") as StreamReducer<Item, State>);
    const state = items.length > 0 ? reducer(this.working.state, items, meta) : this.working.state;
    this.traffic.messages += items.length;
    this.options.onActivity?.();
    const { log } = this;
    if (log && !this.reducer && items.length > 0 && typeof state === "string") {
      log.append((items as readonly unknown[]).join(""), state.length);
    }
    this.working = { state, offset: meta.offset, cursor: meta.cursor };
    if (!meta.partial) this.consistent = this.working;
    this.failures = 0;
    // A second up-to-date answer after catching up: the read is healthy again.
    if (meta.upToDate && this.caughtUp) this.resets = 0;
    if (meta.upToDate) this.caughtUp = true;
    if (!meta.partial) this.saveCheckpoint(meta.closed);
    this.dispatch({ type: "batch", state, meta, ...this.progress() });
    if (this.caughtUp && meta.upToDate) this.settled();
  }

  private progress(): SessionProgress {
    return { caughtUp: this.caughtUp, live: this.options.live };
  }

  private saveCheckpoint(closed: boolean): void {
    // Only the leading tab writes the shared checkpoint.
    if (!this.writer || this.working.offset === undefined || !this.leading) return;
    this.writer.save({
      url: this.options.url,
      version: this.options.version,
      state: this.working.state,
      offset: this.working.offset,
      cursor: this.working.cursor,
      closed,
      savedAt: Date.now(),
    });
  }

  /** After a failed read: start over, reconnect with backoff, or stop in `error` until `retry()`. */
  private async recover(error: unknown, signal: AbortSignal): Promise<void> {
    const failure = error instanceof Error ? error : new Error(String(error));
    this.traffic.failed(failure);
    const recovery = recoveryFor(error, {
      hasOffset: this.consistent.offset !== undefined,
      failures: this.failures,
      resets: this.resets,
    });
    if (recovery.discardCheckpoint) await this.writer?.discard();
    // Stopped meanwhile: the view stays idle; the next start decides afresh.
    if (signal.aborted) return;
    if (recovery.kind === "start-over") {
      this.resets++;
      await this.startOver(recovery.delayMs, signal);
    } else if (recovery.kind === "stop") {
      this.dispatch({ type: "failed", error: failure });
      this.settled();
      await this.waitForRetry(undefined, signal);
    } else {
      this.failures++;
      this.dispatch({ type: "restarting", error: failure, retryAt: Date.now() + recovery.delayMs });
      await this.waitForRetry(recovery.delayMs, signal);
    }
  }

  /**
   * The offset is gone (410), or belongs to an earlier stream under the same
   * URL: what the view shows came from data that no longer exists, so it is
   * dropped (the checkpoint already is), and the next read starts from the
   * beginning: at once the first time, with backoff if it keeps happening
   * before the read is healthy again, so it never becomes a request storm.
   */
  private async startOver(delay: number, signal: AbortSignal): Promise<void> {
    this.voice?.reset();
    this.resetState(delay === 0 ? undefined : Date.now() + delay);
    if (delay > 0) await this.waitForRetry(delay, signal);
  }

  private resetState(retryAt: number | undefined): void {
    const state = this.initialState();
    this.working = { state, offset: undefined, cursor: undefined };
    this.consistent = this.working;
    this.caughtUp = false;
    this.dispatch({ type: "reset", state, retryAt });
  }

  /** Waits `ms` (or until `retry()`), ending early on `retry()` or on stop. */
  private async waitForRetry(ms: number | undefined, signal: AbortSignal): Promise<void> {
    const wait = restartWait(ms, signal);
    this.wake = wait.wake;
    await wait.done;
    this.wake = undefined;
  }

  private initialState(): State {
    if (this.options.initial !== undefined) return this.options.initial;
    return defaultInitial(this.as ?? "json") as State;
  }

  /** Moves the snapshot through the reducer; listeners hear only of a new snapshot. */
  private dispatch(event: SessionEvent<State>): void {
    const previous = this.snapshot;
    const next = sessionReducer(previous, event);
    if (next === previous) return;
    this.snapshot = next;
    this.voice?.status(next, previous);
    if ("error" in event && event.error) this.traffic.failed(event.error);
    for (const listener of [...this.listeners]) listener();
    this.options.onActivity?.();
  }
}
