/**
 * What the Node driver and the benchmark page share: the token format, the
 * page's query parameters, and the handle the page exposes on `window`.
 * Imported by both sides, so it holds types and pure functions only.
 */

/**
 * Epoch milliseconds with sub-millisecond precision, the same formula in Node
 * and in the page, so that their readings compare.
 */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** Every this many tokens a line ends, as in generated text (about 110 characters a line). */
export const TOKENS_PER_LINE = 16;

/**
 * The i-th token. A leading space and a unique number make the final text
 * checkable; the last token of a line carries the line break.
 */
export function token(index: number): string {
  return index % TOKENS_PER_LINE === TOKENS_PER_LINE - 1 ? ` t${index}\n` : ` t${index}`;
}

/** The exact text `count` tokens make. */
export function expectedText(count: number): string {
  let text = "";
  for (let i = 0; i < count; i++) text += token(i);
  return text;
}

/** A render throttle as the page receives it in its query string. */
export type ThrottleParam = "frame" | "false";

/** The page's query parameters. */
export interface PageParams {
  /** The stream's path on the page's origin, `/streams/...`. */
  stream: string;
  throttle: ThrottleParam;
  /** How many tokens will be written: the page knows when the last one is on screen. */
  tokens: number;
  /** `<StreamText blocks>`: `"auto"` is the default. */
  blocks: "auto" | boolean;
}

/** What the page measured for one run; times are epoch milliseconds (fractional). */
export interface PageResult {
  /** False when the page gave up waiting for the final text (see `text`). */
  complete: boolean;
  /** React commits of the reading component since `start()`. */
  commits: number;
  /** Mutation-observer batches on the text element since `start()` (a cross-check of commits). */
  textUpdates: number;
  startedAt: number;
  /** The first commit that showed any token. */
  firstTokenCommitAt: number | undefined;
  /** The commit that put the final token into the DOM. */
  lastTokenCommitAt: number | undefined;
  /** That commit ran inside an animation frame's callbacks (so that frame painted it). */
  lastTokenCommitInFrame: boolean | undefined;
  /** The first frame after that commit had been presented (approximation, see the page). */
  lastTokenPaintAt: number | undefined;
  /** Commits between the first and the last token commit, both included. */
  streamingCommits: number;
  longestTaskMs: number;
  longTasks: number;
  longestFrameGapMs: number;
  frames: number;
  /** The text on screen (the `<StreamText>` element). */
  text: string;
  /** The hook's `data` length: must equal the text's. */
  hookDataLength: number;
  /** `document.visibilityState` at the end: a hidden page would pause the live read. */
  visibility: string;
}

/** The handle the page puts on `window.__renderBench`. */
export interface RenderBenchHandle {
  /** The view's stream status (`"live"` once subscribed and caught up). */
  status(): string;
  /** The page's epoch clock (`performance.timeOrigin + performance.now()`). */
  now(): number;
  /** Resets the counters and starts observing; call right before writing. */
  start(): void;
  /**
   * Resolves true once the final token has been committed and the next frame
   * presented, false after `timeoutMs`. A promise, so the driver waits
   * without polling the page (polling would add main-thread work of its own).
   */
  finished(timeoutMs: number): Promise<boolean>;
  /** The result so far, complete or not (a run that timed out is reported too). */
  snapshot(): PageResult;
}

declare global {
  interface Window {
    __renderBench?: RenderBenchHandle;
  }
}
