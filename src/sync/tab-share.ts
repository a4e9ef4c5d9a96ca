import { leadLock } from "./tab-lock.js";
import { handoverTarget, type TabMessage } from "./tab-rules.js";

/** The part of the Web Locks API a share uses (`navigator.locks`). */
export interface LockManagerLike {
  request(
    name: string,
    options: { steal?: boolean; signal?: AbortSignal },
    callback: () => Promise<void>,
  ): Promise<unknown>;
}

/** The part of a `BroadcastChannel` a share uses. */
export interface ChannelLike {
  postMessage(message: unknown): void;
  onmessage: ((event: MessageEvent) => void) | null;
  close(): void;
}

/** What a tab share needs from its page: the browser's, or a test's. */
export interface TabEnvironment {
  /** This tab's name among the others; random per page load. */
  readonly tabId: string;
  readonly locks: LockManagerLike;
  openChannel(name: string): ChannelLike;
  visible(): boolean;
  /** Calls back on visibility changes and on freeze/resume; returns the unsubscribe function. */
  watch(onVisibility: () => void, onFrozen: (frozen: boolean) => void): () => void;
}

/**
 * One tab's part in a view shared by every tab of the origin: either it
 * leads (holds the Web Lock `name` and does the live read) or it follows
 * (hears the leader over BroadcastChannel and waits in the lock's queue).
 * The browser releases the lock of a tab that closes or crashes, so the
 * next tab in the queue leads within moments.
 */
export interface TabShare {
  /** While this tab leads: aborts when it stops leading. Undefined while it follows. */
  readonly leadSignal: AbortSignal | undefined;
  /** The next message from the leader, `"lead"` once this tab leads, undefined once `signal` aborts or the share closes. */
  next(signal: AbortSignal): Promise<TabMessage | "lead" | undefined>;
  post(message: TabMessage): void;
  close(): void;
}

/** The browser's Web Locks, BroadcastChannel and page lifecycle; undefined where one is missing (no sharing then). */
export function browserTabEnvironment(): TabEnvironment | undefined {
  const locks = typeof navigator === "undefined" ? undefined : navigator.locks;
  if (!locks || typeof BroadcastChannel === "undefined" || typeof document === "undefined") {
    return undefined;
  }
  return {
    tabId: Math.random().toString(36).slice(2) + Date.now().toString(36),
    locks: locks as unknown as LockManagerLike,
    openChannel: (name) => new BroadcastChannel(name),
    visible: () => document.visibilityState !== "hidden",
    watch(onVisibility, onFrozen) {
      const freeze = () => onFrozen(true);
      const resume = () => onFrozen(false);
      document.addEventListener("visibilitychange", onVisibility);
      document.addEventListener("freeze", freeze);
      document.addEventListener("resume", resume);
      return () => {
        document.removeEventListener("visibilitychange", onVisibility);
        document.removeEventListener("freeze", freeze);
        document.removeEventListener("resume", resume);
      };
    },
  };
}

/**
 * What a leading tab hears from the others: a tab joined or changed
 * visibility (`peer`: the leader repeats its status), or a follower's view
 * asked to retry (`retry`).
 */
export type PeerRequest = "peer" | "retry";

/** Joins the share `name`; `onPeer` hears the others' requests while this tab leads. */
export function openTabShare(
  name: string,
  env: TabEnvironment,
  onPeer: (request: PeerRequest) => void,
): TabShare {
  let closed = false;
  const inbox = messageInbox();
  const visibleTabs = new Set<string>();
  const channel = env.openChannel(`react-durable-streams:${name}`);
  const post = (message: TabMessage) => channel.postMessage(message);
  const presence = (ask: boolean) =>
    post({ t: "presence", tab: env.tabId, visible: env.visible(), gone: false, ask });
  const considerHandover = () => {
    const to = lock.signal && handoverTarget(env.visible(), visibleTabs);
    if (to) post({ t: "handover", to });
  };
  const lock = leadLock(env.locks, name, () => {
    inbox.clear();
    considerHandover();
  });

  channel.onmessage = (event: MessageEvent) => {
    const message = event.data as TabMessage;
    const leads = lock.signal !== undefined;
    if (message.t === "presence") {
      if (message.visible && !message.gone) visibleTabs.add(message.tab);
      else visibleTabs.delete(message.tab);
      if (message.ask) presence(false);
      if (leads && !message.gone) {
        onPeer("peer");
        considerHandover();
      }
    } else if (message.t === "retry") {
      if (leads) onPeer("retry");
    } else if (message.t === "handover") {
      if (message.to === env.tabId && !leads) lock.want(true);
    } else if (!leads) {
      inbox.push(message);
    }
  };

  const unwatch = env.watch(
    () => {
      presence(false);
      considerHandover();
    },
    // A frozen tab cannot read: it lets go of the lead, and queues again once it runs.
    (frozen) => (frozen ? lock.pause() : lock.resume()),
  );
  presence(true);
  lock.want();

  return {
    get leadSignal() {
      return lock.signal;
    },
    async next(signal) {
      for (;;) {
        if (closed || signal.aborted) return undefined;
        if (lock.signal) return "lead";
        const message = inbox.take();
        if (message) return message;
        await inbox.arrival(signal);
      }
    },
    post,
    close() {
      if (closed) return;
      closed = true;
      unwatch();
      post({ t: "presence", tab: env.tabId, visible: false, gone: true, ask: false });
      lock.close();
      inbox.clear();
      channel.close();
    },
  };
}

/** The leader's messages not yet taken, and a wait for the next one (or for a change of role). */
function messageInbox() {
  const messages: TabMessage[] = [];
  let wake: (() => void) | undefined;
  const notify = () => {
    const waiting = wake;
    wake = undefined;
    waiting?.();
  };
  return {
    push(message: TabMessage) {
      messages.push(message);
      notify();
    },
    take: () => messages.shift(),
    /** Drops what is queued and wakes the waiting reader (it leads now, or the share closed). */
    clear() {
      messages.length = 0;
      notify();
    },
    /** Resolves on the next push or clear, or when `signal` aborts. */
    arrival(signal: AbortSignal) {
      return new Promise<void>((resolve) => {
        const done = () => {
          signal.removeEventListener("abort", done);
          resolve();
        };
        wake = done;
        signal.addEventListener("abort", done);
      });
    },
  };
}
