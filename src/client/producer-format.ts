import { isJsonContentType } from "./content-type.js";
import type { DurableStreamError } from "./errors.js";
import { retryWait } from "./network.js";
import { backoffDelay } from "./retry.js";
import type { ProducerHost, ProducerSettings } from "./producer-options.js";
import { asProducerError, type ProducerRequest } from "./producer-send.js";

/** The stream's content type as the producer needs it: known from the handle, or learned once. Internal. */
export interface ProducerFormat {
  /** What every request of the producer carries; its content type is filled in once known. */
  readonly request: ProducerRequest;
  /** Whether messages are JSON values; undefined until the content type is known. */
  readonly json: boolean | undefined;
  /** Learns the content type (one HEAD, shared by every caller); rejects if that fails. */
  known(): Promise<void>;
  /** Learns the content type now if it is unknown; a failure here changes nothing (the first batch asks again). */
  prepare(): void;
}

/**
 * `onFailure`: told once when the content type cannot be learned (the
 * producer cannot go on: the stream is gone, say). A failure to reach the
 * server is not that: the HEAD is tried again with backoff, and sooner when
 * the network returns, while `alive()`; appends queue meanwhile.
 */
export function producerFormat(
  host: ProducerHost,
  producerId: string,
  settings: Pick<ProducerSettings, "headers">,
  onFailure: (failure: DurableStreamError) => void,
  alive: () => boolean,
): ProducerFormat {
  const { context, url } = host;
  const request: ProducerRequest = {
    context,
    url,
    producerId,
    contentType: undefined,
    headers: settings.headers,
  };
  let json: boolean | undefined;
  let learning: Promise<void> | undefined;
  const learned = (type: string) => {
    request.contentType = type;
    json = isJsonContentType(type);
  };
  if (host.knownContentType !== undefined) learned(host.knownContentType);
  return {
    request,
    get json() {
      return json;
    },
    known() {
      if (json !== undefined) return Promise.resolve();
      const learn = async (): Promise<void> => {
        try {
          learned(await patientContentType(host, alive));
        } catch (error) {
          const failure = asProducerError(error, url);
          onFailure(failure);
          throw failure;
        }
      };
      return (learning ??= learn());
    },
    prepare() {
      if (json !== undefined || learning) return;
      void host.contentType().then(
        (type) => json === undefined && learned(type),
        () => undefined,
      );
    },
  };
}

/**
 * The stream's content type, asked for until it is learned: a failure to
 * reach the server (or a 5xx) is tried again with backoff past the client's
 * own retries, and sooner when the network returns, while `keepGoing()`
 * (and `signal` has not aborted). Rejects with a refusal (the stream is
 * gone, say), or the last failure once `keepGoing()` says stop.
 */
export async function patientContentType(
  host: ProducerHost,
  keepGoing: () => boolean,
  signal?: AbortSignal,
): Promise<string> {
  const { context, url } = host;
  for (let round = 0; ; round++) {
    try {
      return host.knownContentType ?? (await host.contentType());
    } catch (error) {
      const failure = asProducerError(error, url);
      if (!failure.retryable || !keepGoing() || signal?.aborted) throw failure;
      const delayMs = backoffDelay(context.retry, context.retry.maxRetries + round);
      await retryWait(delayMs, signal, context.network);
    }
  }
}
