import { watchForWake, type NetworkWatcher, type WakeDetectorOptions } from "./network.js";
import type { ReadSessionObserver } from "./read-session.js";
import { whenVisible, type VisibilityWatcher } from "./visibility.js";

/**
 * Why a live request was stopped from outside: the page was hidden, the host
 * went offline, or it woke from sleep (a request from before the sleep is
 * probably dead without knowing it).
 */
export type InterruptReason = "hidden" | "offline" | "wake";

/** One live request's interruption source. */
export interface Interruption {
  /** Aborts when the request should stop. */
  readonly signal: AbortSignal;
  /** Why it aborted, when it did (and the read itself was not stopped). */
  reason(): InterruptReason | undefined;
  dispose(): void;
}

/** What interrupts live requests of one read, and who hears about it. */
export interface InterruptionSources {
  visibility: VisibilityWatcher | undefined;
  network: NetworkWatcher | undefined;
  /** The read's own signal: its abort is not an interruption. */
  session: AbortSignal;
  observer: ReadSessionObserver;
  /** Sleep detection settings; `false` turns it off. */
  wake?: WakeDetectorOptions | false | undefined;
}

/**
 * Waits until a live request may go out: the page visible (reported as a
 * pause). An offline host needs no wait here: `sendRequest` holds every
 * request until the network returns, and reports that wait itself.
 */
export async function whenReady(sources: InterruptionSources): Promise<void> {
  const { visibility, session, observer } = sources;
  if (!visibility?.hidden()) return;
  observer.onPause?.(true);
  await whenVisible(visibility, session);
  observer.onPause?.(false);
}

/**
 * Once ready (see {@link whenReady}): a signal for one live request that
 * aborts when the page is hidden, the host goes offline, or it wakes from
 * sleep, so the read resumes at once instead of waiting on a dead request.
 */
export async function interruptibly(sources: InterruptionSources): Promise<Interruption> {
  await whenReady(sources);
  const { visibility, network, session } = sources;
  const controller = new AbortController();
  let why: InterruptReason | undefined;
  const interrupt = (reason: InterruptReason) => {
    if (controller.signal.aborted) return;
    why = reason;
    controller.abort();
  };
  const stops = [
    visibility?.subscribe(() => {
      if (visibility.hidden()) interrupt("hidden");
    }),
    network?.subscribe(() => {
      if (!network.online()) interrupt("offline");
    }),
    // Browsers throttle timers in hidden tabs to about one a minute: a late tick there is no sleep.
    sources.wake === false
      ? undefined
      : watchForWake(() => {
          if (!visibility?.hidden()) interrupt("wake");
        }, sources.wake),
  ];
  return {
    signal: controller.signal,
    reason: () => (session.aborted ? undefined : why),
    dispose: () => {
      for (const stop of stops) stop?.();
    },
  };
}
