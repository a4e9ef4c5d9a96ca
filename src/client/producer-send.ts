import type { ClientContext } from "./context.js";
import {
  ContentTypeMismatchError,
  DurableStreamError,
  NetworkError,
  SequenceGapError,
  StaleEpochError,
  StreamClosedError,
} from "./errors.js";
import {
  PRODUCER_EPOCH,
  PRODUCER_EXPECTED_SEQ,
  PRODUCER_ID,
  PRODUCER_RECEIVED_SEQ,
  PRODUCER_SEQ,
  STREAM_CLOSED,
  STREAM_NEXT_OFFSET,
  isTrueHeader,
} from "./headers.js";
import { discardBody, sendRequest, type RequestSpec } from "./http.js";
import type { DynamicRecord } from "./options.js";
import type { Batch } from "./producer-batch.js";
import type { DeliveryRequest } from "./producer-delivery.js";

/** How the server answered one producer request. */
export type ProducerOutcome =
  /** Accepted (200) or a duplicate of an accepted one (204). */
  | { kind: "ok"; offset: string | undefined; duplicate: boolean }
  /** 409 with an expected sequence below ours: earlier batches have not arrived yet. */
  | { kind: "early"; expectedSeq: number; receivedSeq: number }
  /**
   * Refused: a {@link StaleEpochError} (403, a newer epoch holds the id), a
   * {@link StreamClosedError}, a {@link SequenceGapError} (409 with an expected
   * sequence at or above ours) or a {@link ContentTypeMismatchError} (any other 409).
   */
  | { kind: "refused"; error: DurableStreamError };

/** Who sends: the parts of a producer request that do not change from batch to batch. */
export interface ProducerRequest {
  context: ClientContext;
  url: string;
  producerId: string;
  contentType: string | undefined;
  headers: DynamicRecord | undefined;
}

/**
 * What browsers let a page's `keepalive` requests carry in flight, in all:
 * beyond it `fetch` rejects, so a request that would pass it goes out as usual.
 */
export const KEEPALIVE_BUDGET_BYTES = 64 * 1024;

/** The `keepalive` bytes of a page in flight. */
export interface KeepaliveBudget {
  /** Whether a request of `bytes` goes out with `keepalive` (then holding its bytes until `release`). */
  take(bytes: number): boolean;
  release(bytes: number): void;
}

/**
 * A budget of `limit` bytes in flight; `enabled` false (outside browsers,
 * where nothing unloads) never grants one.
 */
export function keepaliveBudget(limit: number, enabled: boolean): KeepaliveBudget {
  let inFlight = 0;
  return {
    take(bytes) {
      if (!enabled || inFlight + bytes > limit) return false;
      inFlight += bytes;
      return true;
    },
    release(bytes) {
      inFlight -= bytes;
    },
  };
}

/**
 * Producer requests go out with `keepalive` while they fit the page's
 * budget: a batch sent as the page unloads (a reload in the same task as an
 * append, the flush at `pagehide`) is not aborted with it. One budget per
 * page, shared by every producer.
 */
const pageKeepalive = keepaliveBudget(KEEPALIVE_BUDGET_BYTES, typeof document !== "undefined");

/** One request of a producer: a batch (`body`), or the close (`close`, with an optional final body). */
export interface ProducerCall {
  epoch: number;
  seq: number;
  body: Uint8Array | undefined;
  close?: boolean;
  /**
   * A batch's delivery: retried until its deadline and abortable by it. Without
   * one (the close) the client's retry policy applies as it is.
   */
  delivery?: DeliveryRequest | undefined;
}

/**
 * Sends one producer request. 429, 5xx and network failures are retried:
 * safe, because the server deduplicates on (id, epoch, seq). Other statuses
 * become typed errors.
 */
export async function sendProducerRequest(
  request: ProducerRequest,
  call: ProducerCall,
): Promise<ProducerOutcome> {
  const { url, contentType } = request;
  const { epoch, seq, body, close = false, delivery } = call;
  const headers: Record<string, string> = {
    [PRODUCER_ID]: request.producerId,
    [PRODUCER_EPOCH]: String(epoch),
    [PRODUCER_SEQ]: String(seq),
  };
  if (body !== undefined && contentType !== undefined) headers["content-type"] = contentType;
  if (close) headers[STREAM_CLOSED] = "true";
  const spec: RequestSpec = {
    method: "POST",
    url,
    headers,
    body,
    call: { headers: request.headers },
    retry: "all",
    error: { operation: close ? "close" : "append", sentContentType: contentType },
    passStatuses: [403, 409],
    signal: delivery?.signal,
    retryUntil: delivery?.retryUntil,
    onAttemptLost: delivery?.onAttemptLost,
  };
  const bytes = body?.byteLength ?? 0;
  spec.keepalive = pageKeepalive.take(bytes);
  let response: Response;
  try {
    response = await sendRequest(delivery?.context ?? request.context, spec, delivery?.onRetry);
  } finally {
    if (spec.keepalive) pageKeepalive.release(bytes);
  }
  const { status, headers: answer } = response;
  discardBody(response);
  const offset = answer.get(STREAM_NEXT_OFFSET) ?? undefined;
  if (status === 403) {
    const error = new StaleEpochError(url, integerHeader(answer.get(PRODUCER_EPOCH)), { status });
    return { kind: "refused", error };
  }
  if (status !== 409) return { kind: "ok", offset, duplicate: status === 204 };
  if (isTrueHeader(answer.get(STREAM_CLOSED))) {
    return { kind: "refused", error: new StreamClosedError(url, offset) };
  }
  const expectedSeq = integerHeader(answer.get(PRODUCER_EXPECTED_SEQ));
  if (expectedSeq === undefined) {
    return { kind: "refused", error: new ContentTypeMismatchError(url, contentType, undefined) };
  }
  const receivedSeq = integerHeader(answer.get(PRODUCER_RECEIVED_SEQ)) ?? seq;
  if (expectedSeq < seq) return { kind: "early", expectedSeq, receivedSeq };
  const error = new SequenceGapError(url, expectedSeq, receivedSeq, { status });
  return { kind: "refused", error };
}

/** Sends a batch: its request, retried until its delivery deadline with the same epoch and sequence. */
export function sendBatch(request: ProducerRequest, batch: Batch): Promise<ProducerOutcome> {
  const { epoch, seq, body, delivery } = batch;
  return sendProducerRequest(request, {
    epoch,
    seq,
    body,
    delivery: delivery.request(request.context),
  });
}

function integerHeader(value: string | null): number | undefined {
  const trimmed = value?.trim();
  return trimmed && /^\d+$/.test(trimmed) ? Number(trimmed) : undefined;
}

/** Any failure as a typed error (a non-library one became a network failure). */
export function asProducerError(error: unknown, url: string): DurableStreamError {
  if (error instanceof DurableStreamError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new NetworkError(`Producer request to ${url} failed: ${message}`, { url, cause: error });
}
