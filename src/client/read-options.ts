import type { Checkpoint, Offset } from "./offset.js";
import type { CallOptions } from "./options.js";
import type { WakeDetectorOptions } from "./network.js";
import type { VisibilityWatcher } from "./visibility.js";

/**
 * How a read continues once it has caught up with the tail.
 * - `"off"`: stop at up to date.
 * - `"long-poll"`: wait for new data with long-polls.
 * - `"sse"`: hold a Server-Sent Events connection.
 * - `"auto"`: SSE for JSON streams, long-poll for text and binary ones (SSE
 *   would turn CRs into line breaks and can lose a line's leading space), and
 *   long-poll whenever SSE connections keep dying young (a buffering proxy).
 *
 * In every mode the first request is a plain GET, so catch-up stays cacheable.
 */
export type LiveMode = "off" | "long-poll" | "sse" | "auto";

/** Tuning of the SSE transport. */
export interface SseOptions {
  /** A connection that ends sooner than this counts as dying young. Default 1000 ms. */
  minConnectionMs?: number;
  /** After this many young deaths in a row, switch to long-poll for good. Default 3. */
  maxShortConnections?: number;
}

/** Options of `stream.read()`. */
export interface ReadOptions extends CallOptions {
  /** Where to start: `Offset.beginning` (default), `Offset.now`, or a server offset. */
  offset?: Offset;
  /** Resume from a saved checkpoint (offset and cursor); wins over `offset`. */
  checkpoint?: Checkpoint;
  /** What to do after catching up. Default `"off"`. */
  live?: LiveMode;
  /** In browsers, pause live requests while the tab is hidden. Default true. */
  pauseWhenHidden?: boolean;
  /** SSE tuning. */
  sse?: SseOptions;
  /** Visibility source; defaults to `document`. For tests and non-DOM hosts. */
  visibility?: VisibilityWatcher | undefined;
  /**
   * Wake-from-sleep detection: while a live request is open, a timer that
   * fires far later than scheduled (the machine slept, the tab was frozen)
   * restarts the request at once, since one from before the sleep is
   * probably dead without knowing it. Default on (a 2 s tick, 8 s late);
   * `false` turns it off.
   */
  sleepDetection?: WakeDetectorOptions | false | undefined;
}
