import {
  ProducerClosedError,
  SequenceGapError,
  StaleEpochError,
  type DurableStreamError,
} from "./errors.js";
import type { JsonCodec } from "./options.js";
import { batchBody, encodeMessage, type ProducerMessage } from "./producer-batch.js";
import type { ProducerDispatcher } from "./producer-dispatcher.js";
import type { ProducerFormat } from "./producer-format.js";
import { EARLY_RETRY_MS, MAX_EARLY_RETRIES } from "./producer-outcome.js";
import { sendProducerRequest, type ProducerRequest } from "./producer-send.js";
import { throughGap, type EpochSequencer } from "./producer-sequencer.js";
import { sleep } from "./retry.js";

/** How a producer ends: `detach()` and `close()`. Internal. */
export interface ProducerCloser {
  /** Set by detach() and close(): no more appends. */
  readonly closing: "detached" | "closed" | undefined;
  detach(): Promise<void>;
  close(finalMessage?: ProducerMessage): Promise<{ finalOffset: string }>;
}

/** What closing works with. */
export interface CloserConfig {
  readonly url: string;
  readonly seq: EpochSequencer;
  readonly format: ProducerFormat;
  readonly codec: JsonCodec;
  readonly settings: { readonly autoClaim: boolean };
  readonly dispatcher: ProducerDispatcher;
}

/** See `IdempotentProducer.detach` and `IdempotentProducer.close`. */
export function producerCloser(config: CloserConfig): ProducerCloser {
  const { url, seq, format, dispatcher } = config;
  const { buffer, results } = dispatcher;
  let closing: "detached" | "closed" | undefined;
  let closeResult: Promise<{ finalOffset: string }> | undefined;

  /**
   * Flushes, then sends the close (`sendClose`). A refusal stops the producer;
   * a failure to reach the server does not (the close may be tried again as it was).
   */
  const closeStream = async (finalMessage: ProducerMessage): Promise<{ finalOffset: string }> => {
    await buffer.flush();
    results.assertAlive();
    const { blocked } = seq;
    if (blocked) throw throughGap(url, blocked.seq, seq.nextSeq, blocked.error);
    await format.known();
    const json = format.json!;
    const body =
      finalMessage === undefined
        ? undefined
        : batchBody([encodeMessage(finalMessage, json, config.codec)], json);
    const outcome = await sendClose(format.request, seq, body, config.settings.autoClaim);
    if (outcome.kind === "refused") {
      results.stop(outcome.error);
      throw outcome.error;
    }
    const { offset } = outcome;
    if (offset !== undefined) results.advanceOffset(offset);
    results.stop(new ProducerClosedError(url, "closed"));
    return { finalOffset: offset ?? results.lastOffset ?? "" };
  };

  return {
    get closing() {
      return closing;
    },
    async detach() {
      if (results.stopReason) return;
      closing ??= "detached";
      buffer.accumulator.seal();
      dispatcher.stopRetries("detached");
      await closeResult?.catch(() => undefined);
      await buffer.settleSealed();
      results.stop(new ProducerClosedError(url, "detached"));
    },
    close(finalMessage) {
      if (!results.stopReason) closing = "closed";
      dispatcher.stopRetries("closed");
      return (closeResult ??= closeStream(finalMessage).catch((error: unknown) => {
        // A failed close may be tried again; the same (epoch, seq) makes a repeat safe.
        closeResult = undefined;
        throw error;
      }));
    },
  };
}

/** How the close request ended: the stream is closed, or the server refused it. */
export type CloseOutcome =
  { kind: "closed"; offset: string | undefined } | { kind: "refused"; error: DurableStreamError };

/** Claims of a new epoch for the close, at most, before a stale epoch counts as a refusal. */
const MAX_CLOSE_CLAIMS = 3;

/**
 * Sends the close at the next (epoch, sequence), with the client's retry
 * policy (the caller is waiting for it, and may call `close()` again: the
 * server deduplicates the repeat). An early arrival is sent again; with
 * `autoClaim` a stale epoch is claimed anew. A failure to reach the server
 * rejects; a refusal resolves, for the producer to stop on it.
 */
export async function sendClose(
  request: ProducerRequest,
  seq: EpochSequencer,
  body: Uint8Array | undefined,
  autoClaim: boolean,
): Promise<CloseOutcome> {
  let claimsLeft = MAX_CLOSE_CLAIMS;
  for (let attempt = 0; ; attempt++) {
    const next = seq.nextSeq;
    const outcome = await sendProducerRequest(request, {
      epoch: seq.epoch,
      seq: next,
      body,
      close: true,
    });
    if (outcome.kind === "ok") {
      seq.nextSeq = next + 1;
      return { kind: "closed", offset: outcome.offset };
    }
    if (outcome.kind === "early") {
      if (attempt >= MAX_EARLY_RETRIES) {
        const error = new SequenceGapError(request.url, outcome.expectedSeq, outcome.receivedSeq);
        return { kind: "refused", error };
      }
      await sleep(EARLY_RETRY_MS);
    } else if (outcome.error instanceof StaleEpochError && autoClaim && claimsLeft-- > 0) {
      seq.claim(outcome.error.currentEpoch);
    } else {
      return { kind: "refused", error: outcome.error };
    }
  }
}
