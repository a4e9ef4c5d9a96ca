import { isJsonContentType } from "./content-type.js";
import { batchBody, encodeMessage, type ProducerMessage } from "./producer-batch.js";
import { BatchDelivery } from "./producer-delivery.js";
import { patientContentType } from "./producer-format.js";
import type { ProducerHost } from "./producer-options.js";
import type { DynamicRecord } from "./options.js";
import { sendProducerRequest, type ProducerOutcome } from "./producer-send.js";

/** A batch recorded by a producer's journal, to be sent again exactly as it was numbered. */
export interface RecordedBatch {
  readonly epoch: number;
  readonly seq: number;
  readonly messages: readonly ProducerMessage[];
}

/**
 * Sends a recorded batch under `producerId` with its own epoch and sequence,
 * so that the server drops it if it holds it already. 429, 5xx and network
 * failures are retried until `signal` aborts (offline, it waits for the
 * network), and so is learning the stream's content type; resolves with
 * what the server answered.
 */
export async function resendBatch(
  host: ProducerHost,
  producerId: string,
  batch: RecordedBatch,
  options: { signal?: AbortSignal | undefined; headers?: DynamicRecord | undefined } = {},
): Promise<ProducerOutcome> {
  const { context, url } = host;
  const contentType = await patientContentType(host, () => true, options.signal);
  const json = isJsonContentType(contentType);
  const body = batchBody(
    batch.messages.map((message) => encodeMessage(message, json, context.json)),
    json,
  );
  const delivery = new BatchDelivery(Infinity);
  const stop = () => delivery.cancel(options.signal!.reason);
  options.signal?.addEventListener("abort", stop, { once: true });
  try {
    const request = { context, url, producerId, contentType, headers: options.headers };
    const call = { epoch: batch.epoch, seq: batch.seq, body, delivery: delivery.request(context) };
    return await sendProducerRequest(request, call);
  } finally {
    options.signal?.removeEventListener("abort", stop);
  }
}
