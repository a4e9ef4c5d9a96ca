import type { ClientContext } from "./context.js";
import { NetworkError, type DurableStreamError } from "./errors.js";
import type { RetryInfo } from "./http.js";
import type { FetchFunction } from "./options.js";

/** What one producer request of a batch hands to `sendRequest`. */
export interface DeliveryRequest {
  /** The client's context, its `fetch` watched so the delivery knows when an attempt is out. */
  readonly context: ClientContext;
  readonly retryUntil: number;
  readonly signal: AbortSignal;
  readonly onAttemptLost: () => void;
  readonly onRetry: (info: RetryInfo) => void;
}

/** Builds the error a delivery is stopped with, from the failure that made it retry. */
export type StopReason = (lastFailure: DurableStreamError | undefined) => DurableStreamError;

/**
 * One batch's delivery: its requests are retried (429, 5xx, network failures)
 * with the same epoch and sequence until `deadline`, which is safe because the
 * server deduplicates them. It records whether an attempt went out and was
 * never answered, since then the server may hold the batch whatever happens
 * next; and it can be stopped while it waits to retry (detach, close) or
 * cancelled outright (a batch that can no longer be stored).
 */
export class BatchDelivery {
  /** An attempt went out and its answer never came: the server may have stored the batch. */
  mayHaveLanded = false;
  readonly #controller = new AbortController();
  /** Between a failed attempt and the next one: nothing of this batch is on the wire. */
  #waitingToRetry = false;
  /** The wait is for the host to come back online. */
  #waitingOffline = false;
  #lastFailure: DurableStreamError | undefined;
  #stopReason: StopReason | undefined;
  /** Retries still allowed once stopping was asked for. */
  #retriesLeft = 0;

  constructor(
    /** Retries end here (ms since the epoch): `deliveryTimeoutMs` after the batch was sealed. */
    readonly deadline: number,
  ) {}

  /** The retry budget and hooks for the batch's next request. */
  request(context: ClientContext): DeliveryRequest {
    const fetch: FetchFunction = (input, init) => this.#attempt(context.fetch(input, init));
    return {
      context: { ...context, fetch },
      retryUntil: this.deadline,
      signal: this.#controller.signal,
      onAttemptLost: () => {
        this.mayHaveLanded = true;
      },
      onRetry: ({ error, offline }) => {
        this.#lastFailure = error;
        this.#waitingToRetry = true;
        this.#waitingOffline = offline === true;
        // A wait for the network may last the whole delivery timeout: a stop ends it.
        if (this.#stopReason && (this.#waitingOffline || this.#retriesLeft-- <= 0)) {
          this.#abort(this.#stopReason);
        }
      },
    };
  }

  /**
   * From now on at most `retries` more retries (the client's ordinary budget,
   * so a brief hiccup while a page detaches still gets through): then the
   * delivery stops at its next retry, or at once if it is waiting for one
   * and has none left. An attempt on the wire is left to finish, so that
   * stopping never makes the outcome of an answered request unknown.
   */
  stopRetrying(reason: StopReason, retries = 0): void {
    if (this.#stopReason) return;
    this.#stopReason = reason;
    this.#retriesLeft = retries;
    if (this.#waitingToRetry && (retries <= 0 || this.#waitingOffline)) this.#abort(reason);
  }

  /** Ends the delivery now, including an attempt on the wire (for a batch that can no longer be stored). */
  cancel(reason: DurableStreamError): void {
    this.#controller.abort(reason);
  }

  #abort(reason: StopReason): void {
    this.#controller.abort(reason(this.#lastFailure));
  }

  async #attempt(response: Promise<Response>): Promise<Response> {
    // Aborted already (while its headers resolved): the request never leaves.
    const leaves = !this.#controller.signal.aborted;
    this.#waitingToRetry = this.#waitingOffline = false;
    try {
      return await response;
    } catch (error) {
      // Cut while out: the server may have received it all the same.
      if (leaves && this.#controller.signal.aborted) this.mayHaveLanded = true;
      throw error;
    }
  }
}

/**
 * Whether a failed batch may be in the stream: one of its attempts went out
 * unanswered, and it is not behind a batch of its epoch that the server
 * certainly lacks (the server stores a batch only after every earlier one).
 */
export function isOutcomeUnknown(mayHaveLanded: boolean, behindKnownGap: boolean): boolean {
  return mayHaveLanded && !behindKnownGap;
}

/** Which batch a failure concerns, for its message. */
export interface FailedBatch {
  readonly epoch: number;
  readonly seq: number;
  readonly messageCount: number;
}

/**
 * The error a failed batch is reported with. One that may have been stored
 * is always a {@link NetworkError} with `outcomeUnknown` true (whatever ended
 * its delivery is the cause), so that `flush()` callers can tell it apart
 * without the error listener's details; any other failure is reported as it is.
 */
export function deliveryFailure(
  error: DurableStreamError,
  batch: FailedBatch,
  outcomeUnknown: boolean,
  url: string,
): DurableStreamError {
  if (!outcomeUnknown || (error instanceof NetworkError && error.outcomeUnknown)) return error;
  const { epoch, seq, messageCount } = batch;
  const what = `Batch ${seq} of epoch ${epoch} (${messageCount} message${messageCount === 1 ? "" : "s"})`;
  return new NetworkError(`${what} may have been stored: ${error.message}`, {
    url,
    cause: error,
    outcomeUnknown: true,
  });
}
