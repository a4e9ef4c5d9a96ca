import type { ClientContext } from "./context.js";
import { DurableStreamError, NetworkError, UnauthorizedError } from "./errors.js";
import { errorFromResponse, type ErrorContext } from "./error-mapping.js";
import type { CallOptions } from "./options.js";
import { buildRequestUrl, resolveDynamicRecord } from "./request-url.js";
import { retryWait, type NetworkWatcher } from "./network.js";
import { parseRetryAfter, retrySchedule } from "./retry.js";
import { warnIfPlainHttp } from "./http-warning.js";

/**
 * Which failures a request may repeat. `"all"`: 429, 5xx and network failures
 * (idempotent requests). `"answered"`: only 429 and 5xx, where the server
 * answered and so applied nothing (plain appends: a lost connection leaves
 * the outcome unknown).
 */
export type RetryScope = "all" | "answered";

/** One protocol request. Internal. */
export interface RequestSpec {
  method: "GET" | "HEAD" | "PUT" | "POST" | "DELETE";
  /** The absolute stream URL. */
  url: string;
  /** Protocol query parameters (`offset`, `live`, `cursor`); they override user params. */
  query?: Readonly<Record<string, string | undefined>>;
  /** Protocol headers; they override user headers. */
  headers?: Readonly<Record<string, string>>;
  body?: Uint8Array | string | undefined;
  call?: CallOptions | undefined;
  /** An extra abort source, for instance the read session's own. */
  signal?: AbortSignal | undefined;
  retry: RetryScope;
  /** For mapping errors. */
  error: Omit<ErrorContext, "url">;
  /** Statuses returned to the caller as they are instead of raising. */
  passStatuses?: readonly number[];
  /**
   * Retry until this time (ms since the epoch) instead of `retry.maxRetries`
   * times: for requests that are safe to repeat indefinitely (producer batches).
   */
  retryUntil?: number | undefined;
  /** Called when an attempt went out and its connection was lost: it may have been applied. */
  onAttemptLost?: (() => void) | undefined;
  /** `fetch`'s `keepalive`: the request outlives the page (a flush as it closes). */
  keepalive?: boolean | undefined;
}

/** Called before each retry wait; lets a read session report "reconnecting" (or "offline"). */
export type RetryObserver = (info: RetryInfo) => void;

/** What a retry observer is told. */
export interface RetryInfo {
  attempt: number;
  delayMs: number;
  error: DurableStreamError;
  /** The host is offline: the next attempt waits for the network instead of a timer. */
  offline?: boolean;
}

/**
 * Sends a request, retrying per the client's policy with full-jitter backoff.
 * Headers and parameters are resolved again for every attempt. A 401 calls
 * the client's `onUnauthorized` hook and is sent once more. While the host is
 * offline a request waits for the network instead of being sent (a failure
 * meanwhile spends no retry), and a backoff wait ends when the network returns. Resolves with a successful
 * response; rejects with a typed error, or with the abort reason.
 */
export async function sendRequest(
  context: ClientContext,
  spec: RequestSpec,
  onRetry?: RetryObserver,
): Promise<Response> {
  const signal = combineSignals(spec.call?.signal, spec.signal);
  const { url } = spec;
  const { network } = context;
  warnIfPlainHttp(url, context.warnOnHttp);
  const schedule = retrySchedule(context.retry, spec.retryUntil);
  let refreshed = false;
  for (;;) {
    signal?.throwIfAborted();
    // Offline, a request would fail without leaving: wait for the network instead.
    if (network && !network.online()) {
      await untilOnline(network, spec, signal, schedule.attempts, onRetry);
    }
    let failure: DurableStreamError;
    let retryAfterMs: number | undefined;
    const sent = { fetched: false };
    try {
      const response = await sendOnce(context, spec, signal, sent);
      const { status } = response;
      if (response.ok || spec.passStatuses?.includes(status)) return response;
      if (status === 401) {
        await response.body?.cancel().catch(() => undefined);
        if (refreshed || !context.refreshAuth) throw new UnauthorizedError(url);
        refreshed = true;
        await refreshCredentials(context.refreshAuth, url, signal);
        // The repeat after a refresh is not a failure: it spends no retry.
        continue;
      }
      failure = await errorFromResponse(response, { ...spec.error, url });
      // Retryable is 429 and 5xx (nothing was applied); every other status fails at once.
      if (!failure.retryable) throw failure;
      retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof DurableStreamError) throw error;
      // A request that never left (its headers failed to resolve, the connection was
      // refused) is safe to repeat in any scope.
      const code = (error as { cause?: { code?: unknown } }).cause?.code;
      const neverSent =
        !sent.fetched || code === "ECONNREFUSED" || code === "ENOTFOUND" || code === "EAI_AGAIN";
      if (!neverSent) spec.onAttemptLost?.();
      const outcomeUnknown = spec.retry === "answered" && !neverSent;
      failure = new NetworkError(`Request to ${url} failed: ${describe(error)}`, {
        url,
        cause: error,
        outcomeUnknown,
      });
      if (outcomeUnknown) throw failure;
      // Gone offline: the next round waits for the network, and this failure spends no retry.
      if (network && !network.online()) continue;
    }
    const delayMs = schedule.next(retryAfterMs);
    if (delayMs === undefined) throw failure;
    onRetry?.({ attempt: schedule.attempts, delayMs, error: failure });
    await retryWait(delayMs, signal, network);
  }
}

/**
 * Waits for the network to return, reporting the wait as an offline retry;
 * fails with a {@link NetworkError} (nothing was sent) when the request's
 * deadline passes first.
 */
async function untilOnline(
  network: NetworkWatcher,
  spec: RequestSpec,
  signal: AbortSignal | undefined,
  attempt: number,
  onRetry: RetryObserver | undefined,
): Promise<void> {
  const { url } = spec;
  const error = new NetworkError(`Offline: ${url} waits for the network`, { url });
  const left = spec.retryUntil === undefined ? Infinity : spec.retryUntil - Date.now();
  if (left <= 0) throw error;
  onRetry?.({ attempt: attempt + 1, delayMs: 0, error, offline: true });
  await retryWait(left, signal, network);
  if (!network.online()) throw error;
}

/** Runs the `onUnauthorized` hook; a hook that fails is reported as the 401 it answered. */
async function refreshCredentials(
  refresh: NonNullable<ClientContext["refreshAuth"]>,
  url: string,
  signal: AbortSignal | undefined,
): Promise<void> {
  try {
    await refresh({ url, signal: signal ?? (neverAborted ??= new AbortController().signal) });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new UnauthorizedError(url, { cause: error });
  }
}

/** Header names are case-insensitive: they are compared and sent lower-cased. */
const lowerCase = (name: string) => name.toLowerCase();

/** Handed to dynamic values when the call has no signal: one, not one per request. */
let neverAborted: AbortSignal | undefined;

/** One attempt: resolve dynamic headers and params, then fetch. */
async function sendOnce(
  context: ClientContext,
  spec: RequestSpec,
  signal: AbortSignal | undefined,
  sent: { fetched: boolean },
): Promise<Response> {
  const resolveSignal = signal ?? (neverAborted ??= new AbortController().signal);
  // Both start before either is awaited, so dynamic values resolve concurrently.
  const pendingHeaders = resolveDynamicRecord(
    [context.headers, spec.call?.headers],
    resolveSignal,
    lowerCase,
  );
  const pendingParams = resolveDynamicRecord([context.params, spec.call?.params], resolveSignal);
  const headers = pendingHeaders instanceof Promise ? await pendingHeaders : pendingHeaders;
  const userParams = pendingParams instanceof Promise ? await pendingParams : pendingParams;
  // Header names are case-insensitive: merge them lower-cased, so that a protocol
  // header replaces a user one (`Content-Type` vs `content-type`) instead of
  // both being sent and joined into one comma-separated value.
  for (const [name, value] of Object.entries(spec.headers ?? {})) headers[lowerCase(name)] = value;
  const init: RequestInit = { method: spec.method, headers };
  if (spec.body !== undefined) init.body = spec.body as BodyInit;
  if (signal) init.signal = signal;
  if (spec.keepalive) init.keepalive = true;
  sent.fetched = true;
  return context.fetch(buildRequestUrl(spec.url, userParams, spec.query ?? {}), init);
}

/**
 * Lets go of a response body the caller does not read (the protocol defines
 * none for creates, appends and deletes, so it is empty or short in
 * practice). The body is read to its end in the background, never awaited:
 * a body left unread is aborted when its response is collected, and a
 * browser's network panel then shows a write that succeeded as canceled
 * (`net::ERR_ABORTED`). A body that turns out long is cancelled instead, so
 * a misbehaving server cannot make the client buffer without bound.
 */
export function discardBody(response: Response): void {
  const { body } = response;
  if (!body) return;
  if (Number(response.headers.get("content-length")) > LONG_BODY_BYTES) {
    body.cancel().catch(() => undefined);
  } else {
    void drainBody(body);
  }
}

async function drainBody(body: ReadableStream<Uint8Array>): Promise<void> {
  const reader = body.getReader();
  try {
    for (let seen = 0; ;) {
      const { done, value } = await reader.read();
      if (done) return;
      seen += value.byteLength;
      if (seen > LONG_BODY_BYTES) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // A body that breaks changes nothing: the status was the answer.
  }
}

/** Beyond this a body is not an answer's small print, and reading it is cut short. */
const LONG_BODY_BYTES = 64 * 1024;

/**
 * The next read of a response body. A connection that breaks mid-body is a
 * {@link NetworkError} (transient: the caller resumes from what it has); an
 * abort is passed on as its reason. `what` starts the error's message.
 */
export async function readBody(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  signal: AbortSignal,
  url: string,
  what: string,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  try {
    return await reader.read();
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new NetworkError(`${what}: ${describe(error)}`, { url, cause: error });
  }
}

/** One signal that aborts when any of the given ones does. */
export function combineSignals(
  ...signals: Array<AbortSignal | undefined>
): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  return present.length > 1 ? AbortSignal.any(present) : present[0];
}

export function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const { cause } = error as { cause?: unknown };
  return cause instanceof Error ? `${error.message} (${cause.message})` : error.message;
}
