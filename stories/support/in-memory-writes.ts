/**
 * What the in-memory server does with a POST: a plain append, one with
 * `Stream-Seq`, an idempotent producer's (epoch, sequence) checks, and close.
 */
import { normalizeContentType } from "../../src/client/content-type.js";
import {
  badRequest,
  parseJsonMessages,
  pushMessages,
  sequenceGap,
  tailOffset,
  type ProducerState,
  type StoredStream,
} from "./in-memory-store.js";

interface ProducerRequest {
  id: string;
  epoch: number;
  seq: number;
}

/** The answer to a POST, and whether the stream changed (so waiting readers must wake). */
export interface WriteOutcome {
  response: Response;
  changed: boolean;
}

const unchanged = (response: Response): WriteOutcome => ({ response, changed: false });

export function handleAppend(stream: StoredStream, headers: Headers, body: string): WriteOutcome {
  const closing = headers.get("stream-closed")?.trim().toLowerCase() === "true";
  const producer = producerOf(headers);
  if (producer instanceof Response) return unchanged(producer);
  const tuple = producer ? `${producer.id}/${producer.epoch}/${producer.seq}` : undefined;

  if (stream.closed) {
    if ((tuple !== undefined && tuple === stream.closedBy) || (closing && body === "")) {
      return unchanged(
        new Response(null, {
          status: 204,
          headers: { "stream-next-offset": tailOffset(stream), "stream-closed": "true" },
        }),
      );
    }
    return unchanged(
      new Response("Stream is closed", {
        status: 409,
        headers: { "stream-next-offset": tailOffset(stream), "stream-closed": "true" },
      }),
    );
  }
  if (body === "" && !closing) return unchanged(badRequest("empty append"));
  if (
    body !== "" &&
    normalizeContentType(headers.get("content-type")) !== normalizeContentType(stream.contentType)
  ) {
    return unchanged(new Response("Content type mismatch", { status: 409 }));
  }
  const streamSeq = headers.get("stream-seq");
  if (streamSeq !== null && stream.lastStreamSeq !== undefined) {
    if (streamSeq <= stream.lastStreamSeq) {
      return unchanged(new Response("Stream-Seq regression", { status: 409 }));
    }
  }

  let accepted: ProducerState | undefined;
  if (producer) {
    const verdict = checkProducer(stream, producer);
    if (verdict instanceof Response) return unchanged(verdict);
    accepted = verdict;
  }

  if (body !== "") {
    const pieces = stream.json ? parseJsonMessages(body, false) : [body];
    if (pieces === undefined) return unchanged(badRequest("invalid JSON, or an empty array"));
    pushMessages(
      stream,
      stream.json ? pieces.map((piece) => JSON.stringify(piece)) : (pieces as string[]),
    );
  }
  if (streamSeq !== null) stream.lastStreamSeq = streamSeq;
  if (producer && accepted) stream.producers.set(producer.id, accepted);
  if (closing) {
    stream.closed = true;
    stream.closedBy = tuple;
  }
  const responseHeaders: Record<string, string> = { "stream-next-offset": tailOffset(stream) };
  if (closing) responseHeaders["stream-closed"] = "true";
  if (!accepted) {
    return {
      response: new Response(null, { status: 204, headers: responseHeaders }),
      changed: true,
    };
  }
  responseHeaders["producer-epoch"] = String(accepted.epoch);
  responseHeaders["producer-seq"] = String(accepted.lastSeq);
  return { response: new Response(null, { status: 200, headers: responseHeaders }), changed: true };
}

/** The producer headers: none, all three valid, or a 400. */
function producerOf(headers: Headers): ProducerRequest | undefined | Response {
  const [id, epochText, seqText] = [
    headers.get("producer-id"),
    headers.get("producer-epoch"),
    headers.get("producer-seq"),
  ];
  const present = [id, epochText, seqText].filter((value) => value !== null).length;
  if (present === 0) return undefined;
  if (present !== 3) return badRequest("producer headers come all together");
  const producer = { id: id!, epoch: Number(epochText), seq: Number(seqText) };
  const valid =
    producer.id !== "" &&
    /^\d+$/.test(epochText!) &&
    /^\d+$/.test(seqText!) &&
    Number.isSafeInteger(producer.epoch) &&
    Number.isSafeInteger(producer.seq);
  return valid ? producer : badRequest("invalid producer headers");
}

/**
 * Fencing and ordering for an idempotent producer: the state to store when
 * the request is accepted, or the answer when it is not (403 stale epoch,
 * 204 duplicate, 409 sequence gap, 400 new epoch not at 0).
 */
function checkProducer(stream: StoredStream, producer: ProducerRequest): ProducerState | Response {
  const state = stream.producers.get(producer.id);
  if (state && producer.epoch < state.epoch) {
    return new Response("Stale producer epoch", {
      status: 403,
      headers: { "producer-epoch": String(state.epoch) },
    });
  }
  if (!state || producer.epoch > state.epoch) {
    if (producer.seq !== 0) {
      return state ? badRequest("a new epoch starts at sequence 0") : sequenceGap(0, producer.seq);
    }
  } else if (producer.seq <= state.lastSeq) {
    return new Response(null, {
      status: 204,
      headers: {
        "producer-epoch": String(state.epoch),
        "producer-seq": String(state.lastSeq),
        "stream-next-offset": tailOffset(stream),
      },
    });
  } else if (producer.seq > state.lastSeq + 1) {
    return sequenceGap(state.lastSeq + 1, producer.seq);
  }
  return { epoch: producer.epoch, lastSeq: producer.seq };
}
