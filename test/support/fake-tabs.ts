/**
 * Tabs for Node tests of cross-tab sharing. Node has no Web Locks, so
 * `FakeLocks` stands in for `navigator.locks` (exclusive locks, a FIFO
 * queue, `steal`, `signal`), shared by every "tab" of a test; messages go
 * over Node's real BroadcastChannel. Real Chromium tabs are in
 * e2e/cross-tab.spec.ts.
 */
import type { ChannelLike, LockManagerLike, TabEnvironment } from "../../src/sync/tab-share.js";

interface Holder {
  readonly tab: string;
  readonly callback: () => Promise<void>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
}

const abortError = () => new DOMException("the lock request was aborted", "AbortError");

/** In-memory exclusive locks with the Web Locks API's queue, steal and abort semantics. */
export class FakeLocks {
  private readonly held = new Map<string, Holder>();
  private readonly queues = new Map<string, Holder[]>();
  /** Every grant, in order: `[name, tab]`. */
  readonly grants: Array<[string, string]> = [];

  /** The lock manager one tab sees. */
  forTab(tab: string): LockManagerLike {
    return {
      request: (name, options, callback) =>
        new Promise((resolve, reject) => {
          const holder: Holder = { tab, callback, resolve, reject, signal: options.signal };
          if (options.signal?.aborted) return reject(abortError());
          if (options.steal) {
            const current = this.held.get(name);
            if (current) {
              this.held.delete(name);
              current.reject(abortError());
            }
            this.grant(name, holder);
            return;
          }
          if (!this.held.has(name)) return this.grant(name, holder);
          const queue = this.queues.get(name) ?? [];
          this.queues.set(name, queue);
          queue.push(holder);
          options.signal?.addEventListener("abort", () => {
            const at = queue.indexOf(holder);
            if (at < 0) return;
            queue.splice(at, 1);
            reject(abortError());
          });
        }),
    };
  }

  /** Which tab holds `name`. */
  holder(name: string): string | undefined {
    return this.held.get(name)?.tab;
  }

  /** The tab holding any lock whose name contains `part`. */
  holderOf(part: string): string | undefined {
    for (const [name, holder] of this.held) if (name.includes(part)) return holder.tab;
    return undefined;
  }

  /** A crash: the browser drops every lock and queued request of `tab`. */
  crash(tab: string): void {
    for (const [name, holder] of [...this.held]) {
      if (holder.tab !== tab) continue;
      this.held.delete(name);
      this.next(name);
    }
    for (const queue of this.queues.values()) {
      for (let i = queue.length - 1; i >= 0; i--) if (queue[i]!.tab === tab) queue.splice(i, 1);
    }
  }

  private grant(name: string, holder: Holder): void {
    this.held.set(name, holder);
    this.grants.push([name, holder.tab]);
    void Promise.resolve()
      .then(holder.callback)
      .then(
        (value) => this.release(name, holder, () => holder.resolve(value)),
        (error: unknown) => this.release(name, holder, () => holder.reject(error)),
      );
  }

  private release(name: string, holder: Holder, settle: () => void): void {
    if (this.held.get(name) !== holder) return; // stolen or crashed: already settled
    this.held.delete(name);
    settle();
    this.next(name);
  }

  private next(name: string): void {
    const queue = this.queues.get(name);
    const waiting = queue?.shift();
    if (waiting) this.grant(name, waiting);
  }
}

/** One tab: its environment for `StreamsRuntime({ crossTab })`, and handles to hide, freeze or crash it. */
export interface FakeTab {
  readonly env: TabEnvironment;
  readonly id: string;
  setVisible(visible: boolean): void;
  setFrozen(frozen: boolean): void;
  /** Stops all its messages (a crashed tab says nothing more). */
  crash(): void;
}

let tabCounter = 0;

export function fakeTab(locks: FakeLocks, visible = true): FakeTab {
  const id = `tab-${++tabCounter}`;
  const channels: BroadcastChannel[] = [];
  const visibilityListeners = new Set<() => void>();
  const frozenListeners = new Set<(frozen: boolean) => void>();
  let isVisible = visible;
  let crashed = false;
  const env: TabEnvironment = {
    tabId: id,
    locks: locks.forTab(id),
    openChannel(name) {
      const channel = new BroadcastChannel(name);
      channels.push(channel);
      const like: ChannelLike = {
        postMessage: (message) => {
          if (!crashed) channel.postMessage(message);
        },
        get onmessage() {
          return channel.onmessage as ((event: MessageEvent) => void) | null;
        },
        set onmessage(listener) {
          channel.onmessage = listener as typeof channel.onmessage;
        },
        close: () => channel.close(),
      };
      return like;
    },
    visible: () => isVisible,
    watch(onVisibility, onFrozen) {
      visibilityListeners.add(onVisibility);
      frozenListeners.add(onFrozen);
      return () => {
        visibilityListeners.delete(onVisibility);
        frozenListeners.delete(onFrozen);
      };
    },
  };
  return {
    env,
    id,
    setVisible(next) {
      isVisible = next;
      for (const listener of [...visibilityListeners]) listener();
    },
    setFrozen(frozen) {
      for (const listener of [...frozenListeners]) listener(frozen);
    },
    crash() {
      crashed = true;
      for (const channel of channels) channel.onmessage = null;
      locks.crash(id);
    },
  };
}
