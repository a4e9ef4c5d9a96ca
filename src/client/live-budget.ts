/**
 * How many live requests (long-polls, SSE connections) one client holds open
 * per origin. Over HTTP/1.1 a browser opens about six connections per
 * origin, and a live request holds one for as long as it waits: a page with
 * many live streams would leave its own fetches queued behind them. Reads
 * beyond the budget are served by short polls (plain GETs, answered at once)
 * until a slot is theirs; slots go to waiting reads in the order they came.
 * Over HTTP/2 and HTTP/3 requests share one connection, so there is no cap.
 */

/** Settings of the live-request budget (`DurableStreamClientOptions.liveBudget`). */
export interface LiveBudgetOptions {
  /** Live requests open at once per origin over HTTP/1.1. Default 4. */
  max?: number;
  /**
   * The origin's HTTP version. `"auto"` (default) reads it from the Resource
   * Timing entries of the client's own requests (`nextHopProtocol`), in
   * browsers only; while unknown there, the cap applies. Outside browsers
   * `"auto"` means no cap.
   */
  protocol?: "auto" | "http/1.1" | "h2" | "h3";
  /** The wait before a short poll of a read without a slot. Default 1000 ms (jittered ±25%). */
  shortPollMs?: number;
}

/** One live request's hold on a slot. */
export interface LiveSlot {
  release(): void;
}

/** A client's live-request budget. Internal. */
export interface LiveBudget {
  /** A slot for `reader`'s next live request to `url`, or undefined: a short poll serves this turn. */
  take(url: string, reader: object): LiveSlot | undefined;
  /** `reader` ended: it no longer waits for a slot. */
  leave(url: string, reader: object): void;
  /** The wait before a short poll. */
  shortPollDelay(random?: () => number): number;
}

/**
 * Whether a read may open a live request now. Pure: tested as a table.
 * `cap` undefined: no cap. Reads that were refused wait in `queue`, in
 * order; a free slot belongs to the first of them, so a read that just
 * gave its slot back cannot take it again ahead of one that waited.
 */
export function slotDecision(
  cap: number | undefined,
  open: number,
  queue: readonly object[],
  reader: object,
): "take" | "wait" {
  if (cap === undefined) return "take";
  const free = cap - open;
  if (free <= 0) return "wait";
  const place = queue.indexOf(reader);
  if (place === -1) return queue.length < free ? "take" : "wait";
  return place < free ? "take" : "wait";
}

/**
 * The cap for an origin: none over HTTP/2 or HTTP/3 (`h2`, `h3`, or any
 * `h2c`/`h3-xx` variant), `max` over HTTP/1.x and, in a browser, while the
 * protocol is unknown (`""`). Outside browsers an unknown protocol has no cap.
 */
export function capFor(protocol: string, max: number, inBrowser: boolean): number | undefined {
  if (/^h[23]/i.test(protocol)) return undefined;
  if (protocol === "") return inBrowser ? max : undefined;
  return max;
}

interface OriginState {
  open: number;
  queue: object[];
  /** The origin's protocol once a Resource Timing entry named it. */
  protocol: string;
}

/** Where the page's Resource Timing entries come from (`performance`); injectable for tests. */
export type ResourceEntries = () => ReadonlyArray<{ name: string; nextHopProtocol: string }>;

const pageEntries: ResourceEntries = () =>
  typeof performance !== "undefined" && typeof performance.getEntriesByType === "function"
    ? (performance.getEntriesByType("resource") as PerformanceResourceTiming[])
    : [];

/** A client's budget; `false` turns it off. */
export function liveBudget(
  options: LiveBudgetOptions | false | undefined,
  entries: ResourceEntries = pageEntries,
): LiveBudget | undefined {
  if (options === false) return undefined;
  const max = options?.max ?? 4;
  const fixed =
    options?.protocol === undefined || options.protocol === "auto" ? "" : options.protocol;
  const shortPollMs = options?.shortPollMs ?? 1000;
  const inBrowser = typeof document !== "undefined";
  const origins = new Map<string, OriginState>();
  const stateOf = (url: string) => {
    const origin = new URL(url).origin;
    let state = origins.get(origin);
    if (!state) origins.set(origin, (state = { open: 0, queue: [], protocol: fixed }));
    if (state.protocol === "") state.protocol = protocolOf(origin, entries);
    return state;
  };
  return {
    take(url, reader) {
      const state = stateOf(url);
      const cap = capFor(state.protocol, max, inBrowser);
      const place = state.queue.indexOf(reader);
      if (slotDecision(cap, state.open, state.queue, reader) === "wait") {
        if (place === -1) state.queue.push(reader);
        return undefined;
      }
      if (place !== -1) state.queue.splice(place, 1);
      state.open++;
      let held = true;
      return {
        release() {
          if (!held) return;
          held = false;
          state.open--;
        },
      };
    },
    leave(url, reader) {
      const queue = origins.get(new URL(url).origin)?.queue;
      const place = queue?.indexOf(reader) ?? -1;
      if (place !== -1) queue!.splice(place, 1);
    },
    shortPollDelay: (random = Math.random) => shortPollMs * (0.75 + random() / 2),
  };
}

/** The protocol of the latest finished request to `origin` that names one, or "". */
function protocolOf(origin: string, entries: ResourceEntries): string {
  const list = entries();
  for (let i = list.length - 1; i >= 0; i--) {
    const entry = list[i]!;
    if (entry.nextHopProtocol && entry.name.startsWith(origin + "/")) return entry.nextHopProtocol;
  }
  return "";
}
