/**
 * How often a live view may re-render: `"frame"` (at most once per animation
 * frame), a number of milliseconds, or `false` (every update).
 */
export type Throttle = "frame" | number | false;

/**
 * Coalesces notifications: a callback scheduled several times before the next
 * tick runs once. One scheduler serves every view, so a frame runs one batch
 * of callbacks, not one per view.
 */
export class RenderScheduler {
  private readonly frameQueue = new Set<() => void>();
  private frameRequested = false;
  private readonly timers = new Map<
    number,
    { queue: Set<() => void>; timer: ReturnType<typeof setTimeout> }
  >();

  /** Runs `callback` per `throttle`: now, on the next frame, or after `throttle` ms. */
  schedule(callback: () => void, throttle: Throttle): void {
    if (throttle === false) {
      callback();
    } else if (throttle === "frame") {
      this.frameQueue.add(callback);
      if (!this.frameRequested) {
        this.frameRequested = true;
        requestFrame(() => this.flushFrame());
      }
    } else {
      let slot = this.timers.get(throttle);
      if (!slot) {
        slot = {
          queue: new Set(),
          timer: setTimeout(() => {
            this.timers.delete(throttle);
            runAll(slot!.queue);
          }, throttle),
        };
        this.timers.set(throttle, slot);
      }
      slot.queue.add(callback);
    }
  }

  /** Forgets a callback that no longer needs to run (an unsubscribed view). */
  cancel(callback: () => void): void {
    this.frameQueue.delete(callback);
    for (const slot of this.timers.values()) slot.queue.delete(callback);
  }

  private flushFrame(): void {
    this.frameRequested = false;
    const callbacks = [...this.frameQueue];
    this.frameQueue.clear();
    for (const callback of callbacks) callback();
  }
}

function runAll(queue: Set<() => void>): void {
  for (const callback of [...queue]) callback();
}

/** `requestAnimationFrame` where there is one (and the page is not hidden), else a 16 ms timer. */
function requestFrame(callback: () => void): void {
  const raf = (globalThis as { requestAnimationFrame?: (cb: () => void) => number })
    .requestAnimationFrame;
  const hidden = typeof document !== "undefined" && document.visibilityState === "hidden";
  if (raf && !hidden) raf(callback);
  else setTimeout(callback, 16);
}
