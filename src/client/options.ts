import type { LiveBudgetOptions } from "./live-budget.js";
import type { NetworkWatcher } from "./network.js";
import type { RetryOptions } from "./retry.js";

/** A value or a promise of it. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * A header or query-parameter value: a string, or a function resolved again for
 * every request (every retry, long-poll and SSE reconnect), so short-lived
 * tokens stay fresh. Returning `undefined` leaves the entry out.
 */
export type DynamicValue =
  string | ((context: { signal: AbortSignal }) => MaybePromise<string | undefined>);

/** Header or query-parameter values by name. */
export type DynamicRecord = Readonly<Record<string, DynamicValue>>;

/** JSON codec used for every JSON body the client reads or writes. */
export interface JsonCodec {
  parse(text: string): unknown;
  stringify(value: unknown): string;
}

/** The `fetch` the client calls; injectable for tests, proxies and instrumentation. */
export type FetchFunction = (input: string, init: RequestInit) => Promise<Response>;

/** Options of {@link DurableStreamClient}. */
export interface DurableStreamClientOptions {
  /**
   * Base URL that relative stream paths are joined to. Its path is kept as a
   * prefix: base `https://h/v1/stream` and path `/chat/1` give
   * `https://h/v1/stream/chat/1`. In a browser it defaults to the page's origin.
   */
  baseUrl?: string;
  /** Headers sent on every request. */
  headers?: DynamicRecord;
  /** Query parameters sent on every request (protocol parameters always win). */
  params?: DynamicRecord;
  /** Retry policy for 429, 5xx and network failures. */
  retry?: RetryOptions;
  /** The fetch implementation. Defaults to the global `fetch`. */
  fetch?: FetchFunction;
  /** Custom JSON parse/stringify. Defaults to the global `JSON`. */
  json?: JsonCodec;
  /** Warn once per origin when a browser uses a plain-HTTP stream URL. Default true. */
  warnOnHttp?: boolean;
  /**
   * Called when the server answers 401 (a read, long-poll, SSE reconnect,
   * append or producer batch), for instance to refresh a token. Once it has
   * settled, that request is sent once more with its headers and parameters
   * resolved afresh; a second 401 is an `UnauthorizedError`. Calls that meet
   * a 401 while a refresh is running share it.
   */
  onUnauthorized?: (context: UnauthorizedContext) => MaybePromise<void>;
  /**
   * Where the client learns that the host went offline and came back: by
   * default `navigator.onLine` with the `online`/`offline` events where they
   * exist; `false` turns it off. While offline, requests that failed wait for
   * `online` instead of spending their retries, and reconnect at once.
   */
  network?: NetworkWatcher | false;
  /**
   * How many live requests (long-polls, SSE connections) stay open at once
   * per origin over HTTP/1.1, where a browser has only about six connections
   * and the page's own fetches would queue behind them. Reads beyond it are
   * served by short polls until a slot is theirs. Default `{ max: 4 }`; no cap
   * over HTTP/2 and HTTP/3 (read from Resource Timing) or outside browsers;
   * `false` turns it off.
   */
  liveBudget?: LiveBudgetOptions | false;
}

/** What `onUnauthorized` is told. */
export interface UnauthorizedContext {
  /** The URL of the request that was refused. */
  url: string;
  /** Aborts once every call waiting on this refresh has been cancelled. */
  signal: AbortSignal;
}

/** Per-call options shared by every operation. */
export interface CallOptions {
  /** Aborts the call at any moment, including during a backoff wait. */
  signal?: AbortSignal | undefined;
  /** Extra headers for this call; they override the client's. */
  headers?: DynamicRecord | undefined;
  /** Extra query parameters for this call; they override the client's. */
  params?: DynamicRecord | undefined;
}
