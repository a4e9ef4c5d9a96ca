import { isJsonContentType, normalizeContentType } from "./content-type.js";
import { DurableStreamError } from "./errors.js";
import { combineSignals } from "./http.js";
import { judgeAnswer, payloadHasData } from "./read-answer.js";
import type { HttpTransport, TransportHost } from "./read-http-transport.js";
import { interruptibly, type InterruptionSources } from "./read-interruptions.js";
import type { LiveMode } from "./read-options.js";
import { afterSseConnection, readFailureKind, sseAnswerKind, type SseLimits } from "./read-plan.js";
import type { AnswerPiece } from "./read-position.js";
import { settleAnswer } from "./read-settle.js";
import { backoffDelay, sleep } from "./retry.js";
import { sseBatches } from "./sse-reader.js";

/** How SSE tailing of one read ends: the stream closed, or it falls back to long-polls. */
export type SseEnd = "closed" | "fall-back";

/** The SSE transport of one read. Internal. */
export interface SseTransport {
  /**
   * Holds SSE connections, one after another, until the stream closes, the
   * transport falls back, or an interruption (which returns `closed` only
   * when the stream did close).
   */
  tail(): AsyncGenerator<AnswerPiece, SseEnd>;
}

/** Never waits longer than this between two SSE connections. */
const MAX_RECONNECT_WAIT_MS = 5000;

/** The SSE transport of one read: connections through `http`, interrupted by `interruptions`. */
export function sseTransport(
  host: TransportHost,
  http: HttpTransport,
  interruptions: InterruptionSources,
  live: LiveMode,
  limits: SseLimits,
): SseTransport {
  const { session } = host;
  /** Connections that died young in a row, across calls of `tail`. */
  let shortConnections = 0;

  async function* tail(): AsyncGenerator<AnswerPiece, SseEnd> {
    while (!session.closed) {
      const interruption = await interruptibly(interruptions);
      // A connection's life starts when it delivers its first event: an attempt
      // that never opened (its request failed, retries included) dies young.
      let openedAt: number | undefined;
      try {
        const response = await http.request("sse", interruption.signal);
        const { headers, body } = response;
        const type = normalizeContentType(headers.get("content-type"));
        const kind = sseAnswerKind(type, body !== null, live);
        if (kind !== "events") {
          await body?.cancel();
          if (kind === "fall-back") return "fall-back";
          throw new DurableStreamError(
            "NOT_SUPPORTED",
            `Expected text/event-stream from ${host.url} for live=sse, got ${type ?? "no content type"}`,
            { url: host.url },
          );
        }
        for await (const piece of events(host, response, interruption.signal)) {
          openedAt ??= Date.now();
          host.schedule.reset();
          yield piece;
        }
      } catch (error) {
        if (interruption.reason() !== undefined) continue;
        if (readFailureKind(error, host.signal.aborted) !== "transient") throw error;
      } finally {
        interruption.dispose();
      }
      const lifetimeMs = openedAt === undefined ? undefined : Date.now() - openedAt;
      const end = afterSseConnection(session.closed, lifetimeMs, shortConnections, limits);
      shortConnections = end.shortConnections;
      if (end.verdict === "done") break;
      if (end.verdict === "fall-back") return "fall-back";
      if (end.verdict === "back-off") {
        const delayMs = backoffDelay(host.context.retry, shortConnections);
        await sleep(Math.min(MAX_RECONNECT_WAIT_MS, delayMs), host.signal);
      }
    }
    return "closed";
  }

  return { tail };
}

/** One connection's events as settled answers. */
async function* events(
  host: TransportHost,
  response: Response,
  interrupted: AbortSignal,
): AsyncGenerator<AnswerPiece> {
  const { session } = host;
  const json = isJsonContentType(session.contentType);
  const signal = combineSignals(host.signal, interrupted)!;
  const { body, headers } = response;
  for await (const batch of sseBatches(body!, headers, host.url, json, signal, session)) {
    const { payload, upToDate, closed } = batch;
    const requested = session.offset;
    const facts = {
      requested,
      next: batch.offset,
      hasData: payloadHasData(payload, json),
      upToDate,
      closed,
    };
    const verdict = judgeAnswer(facts);
    // A control event without news mid-connection is a keep-alive, not a stall.
    const offset =
      verdict === "stalled" ? requested : await settleAnswer(host, verdict, facts, 200);
    const cursor = batch.cursor ?? session.cursor;
    yield { payload, offset, cursor, upToDate, closed, partial: false };
  }
}
