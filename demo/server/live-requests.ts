import type { IncomingMessage, ServerResponse } from "node:http";

/** The live requests (`live=` in the query) of one stream path, as the demo server sees them. */
export interface LiveRequestCount {
  /** Open now. */
  open: number;
  /** The most open at once since the last reset. */
  peak: number;
  /** Started since the last reset. */
  started: number;
}

/**
 * Counts live requests per stream path at the server, for the cross-tab
 * tests (`GET /api/live-requests?path=...`): how many are open now and the
 * most that ever were at once. A request counts from its arrival until its
 * response is closed.
 */
export class LiveRequests {
  private readonly counts = new Map<string, LiveRequestCount>();

  /** Counts `req` if it is a live read; call before proxying it. */
  track(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method !== "GET" || !url.searchParams.has("live")) return;
    const count = this.of(url.pathname);
    count.open++;
    count.started++;
    count.peak = Math.max(count.peak, count.open);
    res.once("close", () => count.open--);
  }

  of(path: string): LiveRequestCount {
    let count = this.counts.get(path);
    if (!count) this.counts.set(path, (count = { open: 0, peak: 0, started: 0 }));
    return count;
  }

  /** Starts a new measurement of `path`: the peak becomes what is open now. */
  reset(path: string): void {
    const count = this.of(path);
    count.peak = count.open;
    count.started = 0;
  }
}
