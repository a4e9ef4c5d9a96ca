import type { RawChunk } from "./chunk.js";
import type { ClientContext } from "./context.js";
import { ParseError, type NetworkError } from "./errors.js";
import { combineSignals, type RetryInfo } from "./http.js";
import type { LiveSlot } from "./live-budget.js";
import { Offset } from "./offset.js";
import { httpTransport, type HttpTransport, type TransportHost } from "./read-http-transport.js";
import { interruptibly, whenReady, type InterruptionSources } from "./read-interruptions.js";
import type { LiveMode, ReadOptions } from "./read-options.js";
import {
  firstRequestLive,
  nextStep,
  readFailureKind,
  tailFor,
  type ReadStep,
  type Tail,
} from "./read-plan.js";
import { advancePosition, type AnswerPiece } from "./read-position.js";
import type { NoProgress } from "./read-settle.js";
import { retrySchedule, sleep } from "./retry.js";
import { sseTransport, type SseTransport } from "./read-sse-transport.js";
import { warnSseText } from "./sse-text-warning.js";
import { documentVisibility } from "./visibility.js";

/** Observer of the transport, for status displays. Internal. */
export interface ReadSessionObserver {
  /** Before a retry wait; `offline` when the wait is for the network to return. */
  onRetry?(info: RetryInfo): void;
  onPause?(paused: boolean): void;
  /** A request got a successful answer (after a retry, the connection is healthy again). */
  onConnected?(): void;
}

/** The transport of one read, as `StreamResponse` sees it. Internal. */
export interface ReadSession {
  readonly url: string;
  /** The live mode asked for. */
  readonly live: LiveMode;
  readonly startOffset: string;
  offset: string;
  cursor: string | undefined;
  upToDate: boolean;
  closed: boolean;
  /** The stream's content type as the server sent it. */
  contentType: string | undefined;
  /** HTTP status of the first response. */
  status: number;
  /** Body bytes received so far (response bodies and SSE streams, as sent). */
  bytesReceived: number;
  /** The transport loop, once. Ends at up to date (`live: "off"`), at close, or on cancel. */
  chunks(): AsyncGenerator<RawChunk>;
  /** Stops the read; iteration ends quietly. */
  cancel(reason?: unknown): void;
}

/** The state of one read's driver, shared by its steps. */
interface ReadRun {
  readonly session: ReadSession;
  readonly host: TransportHost;
  readonly http: HttpTransport;
  readonly sse: SseTransport;
  readonly interruptions: InterruptionSources;
  tail: Tail;
  /** After an interruption, one plain GET picks up what arrived meanwhile. */
  resumeWithGet: boolean;
  /** The first response, until the consumer reads it. */
  first: Response | undefined;
}

/**
 * Opens the transport of one read: catch-up GETs, then long-polls or an SSE
 * connection, with retries, pause while hidden, and resumption from the last
 * offset after any failure. Resolves once the first response arrived, so
 * errors such as 404 surface from `read()`. The decisions are the pure rules
 * of `read-plan.ts` and `read-position.ts`, the transports do the I/O, and
 * this driver carries them out. Its state lives in closures, out of reach of
 * callers (and of proxies wrapping the response).
 */
export async function openReadSession(
  context: ClientContext,
  url: string,
  options: ReadOptions,
  knownContentType: string | undefined,
  observer: ReadSessionObserver = {},
): Promise<ReadSession> {
  const controller = new AbortController();
  const signal = combineSignals(options.signal, controller.signal)!;
  const live = options.live ?? "off";
  const startOffset = options.checkpoint?.offset ?? options.offset ?? Offset.beginning;
  const cancel = (reason?: unknown): void => {
    if (!controller.signal.aborted) controller.abort(reason);
  };
  const session: ReadSession = {
    url,
    live,
    startOffset,
    offset: startOffset,
    cursor: options.checkpoint?.cursor,
    upToDate: false,
    closed: false,
    contentType: knownContentType,
    status: 0,
    bytesReceived: 0,
    cancel,
    async *chunks() {
      try {
        for await (const piece of answers(run)) {
          const next = advancePosition(session, piece);
          Object.assign(session, next.position);
          yield next.chunk;
        }
      } catch (error) {
        // Stopped by cancel(), not by the caller's signal: iteration ends quietly.
        if (controller.signal.aborted && !options.signal?.aborted) return;
        throw error;
      } finally {
        cancel();
        context.liveBudget?.leave(url, run);
      }
    },
  };
  // The caller's headers and params go with every request; its signal is in `signal`.
  const call = { ...options, signal: undefined };
  const schedule = retrySchedule(context.retry);
  const host: TransportHost = { context, url, call, signal, observer, session, schedule };
  const visibility =
    options.pauseWhenHidden === false ? undefined : (options.visibility ?? documentVisibility());
  const wake = options.sleepDetection;
  const interruptions = { visibility, network: context.network, session: signal, observer, wake };
  const http = httpTransport(host);
  const { minConnectionMs = 1000, maxShortConnections = 3 } = options.sse ?? {};
  const sse = sseTransport(host, http, interruptions, live, {
    minConnectionMs,
    maxShortConnections,
  });
  const first = await http.request(firstRequestLive(startOffset, live));
  session.status = first.status;
  session.contentType = first.headers.get("content-type") ?? session.contentType;
  if (live === "sse") warnSseText(url, session.contentType);
  const tail = tailFor(live, session.contentType);
  const run: ReadRun = {
    session,
    host,
    http,
    sse,
    interruptions,
    tail,
    resumeWithGet: false,
    first,
  };
  return session;
}

/** Every answer of a read, step by step, as `nextStep` plans them. */
async function* answers(run: ReadRun): AsyncGenerator<AnswerPiece> {
  const { session, http, interruptions } = run;
  let response = run.first;
  run.first = undefined;
  for (;;) {
    if (!response) {
      const step = nextStep({
        live: session.live,
        tail: run.tail,
        upToDate: session.upToDate,
        closed: session.closed,
        resumeWithGet: run.resumeWithGet,
        hidden: interruptions.visibility?.hidden() === true,
      });
      run.resumeWithGet = false;
      if (step === "done") return;
      if (step === "sse") {
        const slot = takeSlot(run);
        if (slot) {
          try {
            if ((yield* run.sse.tail()) === "fall-back") run.tail = "long-poll";
          } catch (error) {
            // An SSE answer that made no progress backs off and ends like a GET's.
            await backoff(run.host, error);
          } finally {
            slot.release();
          }
          continue;
        }
        response = await shortPoll(run);
      } else {
        response = await send(run, step);
        if (!response) continue;
      }
    }
    try {
      yield* http.answer(response);
      run.host.schedule.reset();
    } catch (error) {
      await backoff(run.host, error);
    }
    response = undefined;
  }
}

/** The GET of a step; `undefined` when a long-poll was interrupted (the next step resumes). */
async function send(
  run: ReadRun,
  step: Exclude<ReadStep, "done" | "sse">,
): Promise<Response | undefined> {
  const { http, interruptions } = run;
  if (step === "catch-up") return http.request();
  // The GET after an interruption waits for the page (and, in sendRequest, the network).
  if (step === "resume") {
    await whenReady(interruptions);
    return http.request();
  }
  const pace = http.paceDelay();
  if (pace > 0) await sleep(pace, run.host.signal);
  const slot = takeSlot(run);
  if (!slot) return shortPoll(run);
  const interruption = await interruptibly(interruptions);
  try {
    return await http.request("long-poll", interruption.signal);
  } catch (error) {
    if (interruption.reason() === undefined) throw error;
    run.resumeWithGet = true;
    return undefined;
  } finally {
    interruption.dispose();
    slot.release();
  }
}

const UNLIMITED: LiveSlot = { release() {} };

/** A slot for the read's next live request, or undefined when the client's budget is spent. */
function takeSlot(run: ReadRun): LiveSlot | undefined {
  const budget = run.host.context.liveBudget;
  return budget ? budget.take(run.host.url, run) : UNLIMITED;
}

/** A turn without a live slot: a plain GET after a short wait, answered at once. */
async function shortPoll(run: ReadRun): Promise<Response> {
  const budget = run.host.context.liveBudget!;
  await sleep(budget.shortPollDelay(), run.host.signal);
  await whenReady(run.interruptions);
  return run.http.request();
}

/**
 * Waits out a transient failure or an answer that made no progress, like
 * any failure; rethrows what is not one, and fails once retries are spent
 * (an answer that never makes progress ends as a {@link ParseError}).
 */
async function backoff(host: TransportHost, error: unknown): Promise<void> {
  const kind = readFailureKind(error, host.signal.aborted);
  if (kind === "fatal") throw error;
  const { url, schedule } = host;
  const failure =
    kind === "stalled"
      ? new ParseError(
          `Server made no progress at offset ${(error as NoProgress).offset}: ${url}`,
          {
            url,
            status: 200,
          },
        )
      : (error as NetworkError);
  const delayMs = schedule.next();
  if (delayMs === undefined) throw failure;
  host.observer.onRetry?.({ attempt: schedule.attempts, delayMs, error: failure });
  await sleep(delayMs, host.signal);
}
