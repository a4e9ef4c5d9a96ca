import { epochNow, type PageResult } from "../protocol.js";

/**
 * The in-page measurements of one run: commits, long tasks, gaps between
 * animation frames, and when the final token reached the DOM and the screen.
 * Everything before `start()` (page load, connecting) is left out.
 */
export class Probe {
  private started = false;
  /** `performance.now()` at start: long-task and frame times are on that clock. */
  private startPerf = 0;
  private startedAt = 0;
  private commits = 0;
  private textUpdates = 0;
  private firstTokenCommit: { at: number; commit: number } | undefined;
  private lastTokenCommit: { at: number; commit: number; inFrame: boolean } | undefined;
  private lastTokenPaintAt: number | undefined;
  private hookDataLength = 0;
  private viewStatus = "idle";
  private readonly longTasks: PerformanceEntry[] = [];
  private longestFrameGapMs = 0;
  private frames = 0;
  private previousFrame: number | undefined;
  /** Inside an animation frame's callbacks (or the rest of its task). */
  private inFrame = false;
  private textBox: HTMLElement | undefined;
  private readonly onDone: Array<() => void> = [];

  constructor(
    private readonly expectedLength: number,
    private readonly lastToken: string,
  ) {
    // Long tasks are delivered late and in batches, so keep them all and filter by time at the end.
    new PerformanceObserver((list) => {
      this.longTasks.push(...list.getEntries());
    }).observe({ type: "longtask" });
  }

  /** The element `<StreamText>` renders into: its text is what the user sees. */
  watch(element: HTMLElement): () => void {
    this.textBox = element;
    const observer = new MutationObserver(() => {
      if (this.started) this.textUpdates++;
    });
    observer.observe(element, { subtree: true, childList: true, characterData: true });
    return () => observer.disconnect();
  }

  status(): string {
    return this.viewStatus;
  }

  start(): void {
    this.started = true;
    this.startPerf = performance.now();
    this.startedAt = epochNow();
    this.commits = 0;
    this.textUpdates = 0;
    requestAnimationFrame(this.onFrame);
  }

  /**
   * Called from the reading component's layout effect, so once per commit,
   * after React wrote the DOM: the time is the commit's.
   */
  commit(data: string, status: string): void {
    this.viewStatus = status;
    this.hookDataLength = data.length;
    if (!this.started) return;
    this.commits++;
    if (!this.firstTokenCommit && data.length > 0) {
      this.firstTokenCommit = { at: epochNow(), commit: this.commits };
    }
    if (!this.lastTokenCommit && this.hasFinalText(data)) {
      // The hook and <StreamText> read one snapshot in one render, but the DOM is what counts.
      const onScreen = this.textBox?.textContent ?? "";
      if (this.hasFinalText(onScreen)) {
        this.lastTokenCommit = { at: epochNow(), commit: this.commits, inFrame: this.inFrame };
        this.awaitPaint();
      }
    }
  }

  done(): boolean {
    return this.lastTokenPaintAt !== undefined;
  }

  finished(timeoutMs: number): Promise<boolean> {
    if (this.done()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.onDone.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  snapshot(): PageResult {
    const endPerf =
      this.lastTokenPaintAt === undefined
        ? performance.now()
        : this.lastTokenPaintAt - performance.timeOrigin;
    const tasks = this.longTasks.filter(
      (task) => task.startTime + task.duration >= this.startPerf && task.startTime <= endPerf,
    );
    const first = this.firstTokenCommit;
    const last = this.lastTokenCommit;
    return {
      complete: this.done(),
      commits: this.commits,
      textUpdates: this.textUpdates,
      startedAt: this.startedAt,
      firstTokenCommitAt: first?.at,
      lastTokenCommitAt: last?.at,
      lastTokenCommitInFrame: last?.inFrame,
      lastTokenPaintAt: this.lastTokenPaintAt,
      streamingCommits: first && last ? last.commit - first.commit + 1 : 0,
      longestTaskMs: Math.max(0, ...tasks.map((task) => task.duration)),
      longTasks: tasks.length,
      longestFrameGapMs: this.longestFrameGapMs,
      frames: this.frames,
      text: this.textBox?.textContent ?? "",
      hookDataLength: this.hookDataLength,
      visibility: document.visibilityState,
    };
  }

  /** Either the whole length arrived or the final token is last (a lost token shows in the check). */
  private hasFinalText(text: string): boolean {
    return text.length >= this.expectedLength || text.endsWith(this.lastToken);
  }

  /**
   * When the final commit reaches the screen. A commit made inside a frame's
   * animation callbacks (the library's `"frame"` throttle) is laid out and
   * painted in that same task; any other commit by the next frame. A message
   * posted from there is handled once that frame's style, layout and paint
   * are done, which is as close to "on screen" as a page can observe.
   */
  private awaitPaint(): void {
    const painted = () => {
      this.lastTokenPaintAt = epochNow();
      for (const resolve of this.onDone.splice(0)) resolve();
    };
    if (this.inFrame) afterThisTask(painted);
    else requestAnimationFrame(() => afterThisTask(painted));
  }

  /** Tracks the longest gap between animation frames until the final token is painted. */
  private readonly onFrame = (time: DOMHighResTimeStamp): void => {
    if (this.previousFrame !== undefined) {
      this.longestFrameGapMs = Math.max(this.longestFrameGapMs, time - this.previousFrame);
    }
    this.previousFrame = time;
    this.frames++;
    // Registered before any callback the library requests for this frame, so it runs first.
    // The flag is cleared by the first task after the frame; a network task that slips in
    // before it would be taken for part of the frame (an error of at most one frame).
    this.inFrame = true;
    afterThisTask(() => (this.inFrame = false));
    if (!this.done()) requestAnimationFrame(this.onFrame);
  };
}

/** Runs `callback` in a task of its own, after the current one (and its rendering) ends. */
function afterThisTask(callback: () => void): void {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    callback();
  };
  channel.port2.postMessage(null);
}
