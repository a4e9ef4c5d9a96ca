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
import { sendRequest } from "./http.js";
import type { DynamicRecord } from "./options.js";
import { EARLY_RETRY_MS, MAX_EARLY_RETRIES, type EpochSequencer } from "./producer-sequencer.js";
import { sleep } from "./retry.js";

/** How the server answered one producer request. */
export type ProducerOutcome =
  /** Accepted (200) or a duplicate of an accepted one (204). */
  | { kind: "ok"; offset: string | undefined; duplicate: boolean; closed: boolean }
  /** 403: another session holds a newer epoch. */
  | { kind: "stale"; currentEpoch: number | undefined; error: StaleEpochError }
  /** 409 with an expected sequence below ours: earlier batches have not arrived yet. */
  | { kind: "early"; expectedSeq: number; receivedSeq: number }
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
  signal: AbortSignal | undefined;
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
      return { kind: "early", expectedSeq, receivedSeq };
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

/**
 * Sends the close at the next (epoch, sequence): a repeat is deduplicated, so
 * it is retry-safe. With autoClaim a stale epoch is claimed anew. Resolves
 * with the server's answer (`error`: it refused); rejects when it could not
 * be reached (the close may then be tried again as it was).
 */
export async function sendProducerClose(
  request: Omit<ProducerRequest, "epoch" | "seq" | "close">,
  sequencer: EpochSequencer,
  autoClaim: boolean,
): Promise<{ offset: string | undefined } | { error: DurableStreamError }> {
  for (let attempt = 0; ; attempt++) {
    const seq = sequencer.nextSeq;
    const outcome = await sendProducerRequest({
      ...request,
      epoch: sequencer.epoch,
      seq,
      close: true,
    });
    if (outcome.kind === "ok") {
      sequencer.nextSeq = seq + 1;
      return { offset: outcome.offset };
    }
    if (outcome.kind === "stale" && autoClaim && attempt < 3) {
      sequencer.start(claimedEpoch(outcome.currentEpoch, sequencer.epoch));
    } else if (outcome.kind === "early" && attempt < MAX_EARLY_RETRIES) {
      await sleep(EARLY_RETRY_MS);
    } else if (outcome.kind === "early") {
      return { error: new SequenceGapError(request.url, outcome.expectedSeq, outcome.receivedSeq) };
    } else {
      return { error: outcome.error };
    }
  }
}

/** The epoch that claims the producer id: above the server's and above our own. */
export function claimedEpoch(serverEpoch: number | undefined, ours: number): number {
  return Math.max((serverEpoch ?? ours) + 1, ours + 1);
}

/** Any failure as a typed error (a non-library one became a network failure). */
export function asProducerError(error: unknown, url: string): DurableStreamError {
  if (error instanceof DurableStreamError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new NetworkError(`Producer request to ${url} failed: ${message}`, { url, cause: error });
}
