import type { ClientContext } from "./context.js";
import {
  ContentTypeMismatchError,
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
import { sendRequest } from "./http.js";
import type { DynamicRecord } from "./options.js";

/** How the server answered one producer request. */
export type ProducerOutcome =
  /** Accepted (200) or a duplicate of an accepted one (204). */
  | { kind: "ok"; offset: string | undefined; duplicate: boolean; closed: boolean }
  /** 403: another session holds a newer epoch. */
  | { kind: "stale"; currentEpoch: number | undefined; error: StaleEpochError }
  /** 409 with an expected sequence below ours: earlier batches have not arrived yet. */
  | { kind: "early"; expectedSeq: number }
  /** 409 with an expected sequence at or above ours: a real gap. */
  | { kind: "gap"; error: SequenceGapError }
  /** 409 with `Stream-Closed`. */
  | { kind: "closed"; error: StreamClosedError }
  /** Any other 409: the content type does not match the stream's. */
  | { kind: "rejected"; error: ContentTypeMismatchError };

export interface ProducerRequest {
  context: ClientContext;
  url: string;
  producerId: string;
  epoch: number;
  seq: number;
  contentType: string | undefined;
  body: Uint8Array | undefined;
  close: boolean;
  headers: DynamicRecord | undefined;
  signal: AbortSignal;
}

/**
 * Sends one producer request. 429, 5xx and network failures are retried by
 * the client's policy: safe, because the server deduplicates on
 * (id, epoch, seq). Other statuses become typed errors.
 */
export async function sendProducerRequest(request: ProducerRequest): Promise<ProducerOutcome> {
  const headers: Record<string, string> = {
    [PRODUCER_ID]: request.producerId,
    [PRODUCER_EPOCH]: String(request.epoch),
    [PRODUCER_SEQ]: String(request.seq),
  };
  if (request.body !== undefined && request.contentType !== undefined) {
    headers["content-type"] = request.contentType;
  }
  if (request.close) headers[STREAM_CLOSED] = "true";
  const response = await sendRequest(request.context, {
    method: "POST",
    url: request.url,
    headers,
    body: request.body,
    call: { headers: request.headers },
    signal: request.signal,
    retry: "all",
    error: { operation: request.close ? "close" : "append", sentContentType: request.contentType },
    passStatuses: [403, 409],
  });
  const h = response.headers;
  await response.body?.cancel();
  if (response.status === 403) {
    const currentEpoch = integerHeader(h.get(PRODUCER_EPOCH));
    return {
      kind: "stale",
      currentEpoch,
      error: new StaleEpochError(request.url, currentEpoch, { status: 403 }),
    };
  }
  if (response.status === 409) {
    if (isTrueHeader(h.get(STREAM_CLOSED))) {
      const finalOffset = h.get(STREAM_NEXT_OFFSET) ?? undefined;
      return { kind: "closed", error: new StreamClosedError(request.url, finalOffset) };
    }
    const expectedSeq = integerHeader(h.get(PRODUCER_EXPECTED_SEQ));
    if (expectedSeq === undefined) {
      return {
        kind: "rejected",
        error: new ContentTypeMismatchError(request.url, request.contentType, undefined),
      };
    }
    const receivedSeq = integerHeader(h.get(PRODUCER_RECEIVED_SEQ)) ?? request.seq;
    if (expectedSeq < request.seq) {
      return { kind: "early", expectedSeq };
    }
    return {
      kind: "gap",
      error: new SequenceGapError(request.url, expectedSeq, receivedSeq, { status: 409 }),
    };
  }
  return {
    kind: "ok",
    offset: h.get(STREAM_NEXT_OFFSET) ?? undefined,
    duplicate: response.status === 204,
    closed: isTrueHeader(h.get(STREAM_CLOSED)),
  };
}

function integerHeader(value: string | null): number | undefined {
  if (value === null || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
