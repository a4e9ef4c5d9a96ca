import { SequenceGapError, StaleEpochError, type DurableStreamError } from "./errors.js";
import { sendProducerRequest, type ProducerRequest } from "./producer-send.js";
import { EARLY_RETRY_MS, MAX_EARLY_RETRIES, type EpochSequencer } from "./producer-sequencer.js";
import { sleep } from "./retry.js";

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
