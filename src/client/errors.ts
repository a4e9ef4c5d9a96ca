/**
 * The error hierarchy of the protocol client. Every failure the client reports
 * is a {@link DurableStreamError} (or the caller's own abort reason), with a
 * `code` that lines up with the Durable Streams conformance codes.
 */

/** Machine-readable error codes. */
export type DurableStreamErrorCode =
  | "NOT_FOUND"
  | "CONFLICT"
  | "STREAM_CLOSED"
  | "SEQUENCE_CONFLICT"
  | "SEQUENCE_GAP"
  | "STALE_EPOCH"
  | "CONTENT_TYPE_MISMATCH"
  | "INVALID_OFFSET"
  | "OFFSET_GONE"
  | "PARSE_ERROR"
  | "NETWORK_ERROR"
  | "UNAUTHORIZED"
  | "INVALID_ARGUMENT"
  | "UNEXPECTED_STATUS"
  | "NOT_SUPPORTED"
  | "BUFFER_FULL"
  | "PRODUCER_CLOSED"
  | "UNDELIVERED";

/** Context shared by every error constructor. */
export interface DurableStreamErrorInit {
  /** The stream URL the failing request addressed, when there was one. */
  url?: string | undefined;
  /** The HTTP status, when the server answered. */
  status?: number | undefined;
  /** Whether the same request may succeed if repeated later. */
  retryable?: boolean | undefined;
  /** The underlying error, if any. */
  cause?: unknown;
}

/**
 * Base class of every error this library raises. Fields here and in the
 * subclasses are `declare`d and assigned in the constructors, so no separate
 * field definitions are emitted for them.
 */
export class DurableStreamError extends Error {
  /** Machine-readable error code. */
  declare readonly code: DurableStreamErrorCode;
  /** HTTP status of the response that caused the error, if any. */
  declare readonly status: number | undefined;
  /** URL of the stream the request addressed, if any. */
  declare readonly url: string | undefined;
  /** Whether repeating the operation later may succeed. */
  declare readonly retryable: boolean;

  constructor(code: DurableStreamErrorCode, message: string, init: DurableStreamErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.status = init.status;
    this.url = init.url;
    this.retryable = init.retryable ?? false;
    // Our subclasses name themselves with string literals: bundlers that minify
    // a consumer's code rename classes, so `new.target.name` would read "e".
    this.name = new.target === DurableStreamError ? "DurableStreamError" : new.target.name;
  }
}

/** The stream does not exist (404). */
export class StreamNotFoundError extends DurableStreamError {
  override readonly name = "StreamNotFoundError";
  constructor(url: string, init: DurableStreamErrorInit = {}) {
    super("NOT_FOUND", `Stream not found: ${url}`, { status: 404, ...init, url });
  }
}

/** A create request met an existing stream with a different configuration (409). */
export class StreamConflictError extends DurableStreamError {
  override readonly name = "StreamConflictError";
  constructor(url: string, init: DurableStreamErrorInit = {}) {
    super("CONFLICT", `Stream already exists with a different configuration: ${url}`, {
      status: 409,
      ...init,
      url,
    });
  }
}

/** The stream is closed; no more data can be appended (409 with `Stream-Closed`). */
export class StreamClosedError extends DurableStreamError {
  override readonly name = "StreamClosedError";
  /** The stream's final offset, when the server reported it. */
  declare readonly finalOffset: string | undefined;

  constructor(url: string, finalOffset: string | undefined, init: DurableStreamErrorInit = {}) {
    super("STREAM_CLOSED", `Stream is closed: ${url}`, { status: 409, ...init, url });
    this.finalOffset = finalOffset;
  }
}

/** A `Stream-Seq` value was not greater than the last one the server accepted (409). */
export class SequenceConflictError extends DurableStreamError {
  override readonly name = "SequenceConflictError";
  constructor(url: string, init: DurableStreamErrorInit = {}) {
    super("SEQUENCE_CONFLICT", `Stream-Seq regression rejected by the server: ${url}`, {
      status: 409,
      ...init,
      url,
    });
  }
}

/** The appended content type differs from the stream's (409). */
export class ContentTypeMismatchError extends DurableStreamError {
  override readonly name = "ContentTypeMismatchError";
  /** The content type the request carried. */
  declare readonly sentContentType: string | undefined;
  /** The stream's content type, when known. */
  declare readonly streamContentType: string | undefined;

  constructor(
    url: string,
    sent: string | undefined,
    stream: string | undefined,
    init: DurableStreamErrorInit = {},
  ) {
    super(
      "CONTENT_TYPE_MISMATCH",
      `Content type ${sent ?? "(none)"} does not match the stream's ${stream ?? "content type"}: ${url}`,
      { status: 409, ...init, url },
    );
    this.sentContentType = sent;
    this.streamContentType = stream;
  }
}

/** An idempotent producer's epoch was fenced by a newer one (403). */
export class StaleEpochError extends DurableStreamError {
  override readonly name = "StaleEpochError";
  /** The epoch the server currently holds for this producer. */
  declare readonly currentEpoch: number | undefined;

  constructor(url: string, currentEpoch: number | undefined, init: DurableStreamErrorInit = {}) {
    super(
      "STALE_EPOCH",
      `Producer epoch is stale (server epoch ${currentEpoch ?? "unknown"}): ${url}`,
      { status: 403, ...init, url },
    );
    this.currentEpoch = currentEpoch;
  }
}

/** An idempotent producer's sequence skipped ahead of what the server expects (409). */
export class SequenceGapError extends DurableStreamError {
  override readonly name = "SequenceGapError";
  declare readonly expectedSeq: number | undefined;
  declare readonly receivedSeq: number | undefined;

  constructor(
    url: string,
    expectedSeq: number | undefined,
    receivedSeq: number | undefined,
    init: DurableStreamErrorInit = {},
  ) {
    super(
      "SEQUENCE_GAP",
      `Producer sequence gap: expected ${expectedSeq ?? "?"}, sent ${receivedSeq ?? "?"}: ${url}`,
      { status: 409, ...init, url },
    );
    this.expectedSeq = expectedSeq;
    this.receivedSeq = receivedSeq;
  }
}

/** The server rejected the offset as malformed (400 on a read). */
export class InvalidOffsetError extends DurableStreamError {
  override readonly name = "InvalidOffsetError";
  declare readonly offset: string;

  constructor(url: string, offset: string, init: DurableStreamErrorInit = {}) {
    super("INVALID_OFFSET", `Invalid offset ${JSON.stringify(offset)} for ${url}`, {
      status: 400,
      ...init,
      url,
    });
    this.offset = offset;
  }
}

/**
 * The offset is gone: no longer retained, or the stream was soft-deleted
 * (410, `reason: "expired"`), or it belongs to an earlier stream that was
 * deleted and recreated under the same URL (`reason: "recreated"`: the
 * stream's tail, confirmed by a HEAD, is behind the offset). Either way the
 * reader must start again from the beginning.
 */
export class OffsetGoneError extends DurableStreamError {
  override readonly name = "OffsetGoneError";
  declare readonly offset: string | undefined;
  /** Why the offset is gone. */
  declare readonly reason: "expired" | "recreated";
  /** For `recreated`: the new stream's tail offset. */
  declare readonly tail: string | undefined;

  constructor(
    url: string,
    offset: string | undefined,
    init: DurableStreamErrorInit & { reason?: "expired" | "recreated"; tail?: string } = {},
  ) {
    const reason = init.reason ?? "expired";
    super(
      "OFFSET_GONE",
      reason === "recreated"
        ? `Gone: offset ${offset ?? "(none)"} is past the stream's tail (${init.tail ?? "?"}); it was recreated: ${url}`
        : `Gone: offset ${offset ?? "(none)"} is no longer retained or the stream was deleted: ${url}`,
      { status: 410, ...init, url },
    );
    this.offset = offset;
    this.reason = reason;
    this.tail = init.tail;
  }
}

/** A body or SSE event could not be parsed (invalid JSON, malformed base64 or control event). */
export class ParseError extends DurableStreamError {
  override readonly name = "ParseError";
  constructor(message: string, init: DurableStreamErrorInit = {}) {
    super("PARSE_ERROR", message, init);
  }
}

/**
 * The request could not reach the server or the connection broke. When
 * `outcomeUnknown` is true the request may have been applied (a plain append
 * whose connection dropped after sending), so it was not repeated.
 */
export class NetworkError extends DurableStreamError {
  override readonly name = "NetworkError";
  declare readonly outcomeUnknown: boolean;

  constructor(message: string, init: DurableStreamErrorInit & { outcomeUnknown?: boolean } = {}) {
    super("NETWORK_ERROR", message, { retryable: true, ...init });
    this.outcomeUnknown = init.outcomeUnknown ?? false;
  }
}

/**
 * The server refused the credentials (401), again after the client's
 * `onUnauthorized` hook had its chance to refresh them, or with no hook set.
 */
export class UnauthorizedError extends DurableStreamError {
  override readonly name = "UnauthorizedError";
  constructor(url: string, init: DurableStreamErrorInit = {}) {
    super("UNAUTHORIZED", `Unauthorized (401): ${url}`, { status: 401, ...init, url });
  }
}

/** A caller passed an invalid option or argument. Thrown before any I/O. */
export class InvalidArgumentError extends DurableStreamError {
  override readonly name = "InvalidArgumentError";
  /** The option or argument at fault. */
  declare readonly argument: string;

  constructor(argument: string, message: string) {
    super("INVALID_ARGUMENT", `Invalid ${argument}: ${message}`);
    this.argument = argument;
  }
}

/**
 * Throws an {@link InvalidArgumentError} naming `argument` unless `ok`; one
 * helper so that every option check words its message the same way.
 */
export function requireArgument(ok: boolean, argument: string, rule: string, value: unknown): void {
  if (!ok) throw new InvalidArgumentError(argument, `must be ${rule}, got ${String(value)}`);
}

/** Any other non-success HTTP status (401, 403, 413, or 429/5xx once retries are spent). */
export class UnexpectedStatusError extends DurableStreamError {
  override readonly name = "UnexpectedStatusError";
  /** The response body text, truncated to 1 KiB, for diagnostics. */
  declare readonly body: string;

  constructor(url: string, status: number, body: string, init: DurableStreamErrorInit = {}) {
    super("UNEXPECTED_STATUS", `Unexpected HTTP ${status} from ${url}${body ? `: ${body}` : ""}`, {
      retryable: status === 429 || status >= 500,
      ...init,
      status,
      url,
    });
    this.body = body;
  }
}

/** A producer refused a message because its buffer limits are reached. */
export class ProducerBufferFullError extends DurableStreamError {
  override readonly name = "ProducerBufferFullError";
  constructor(url: string, bufferedMessages: number, bufferedBytes: number) {
    super(
      "BUFFER_FULL",
      `Producer buffer full (${bufferedMessages} messages, ${bufferedBytes} bytes not yet acknowledged): ${url}`,
      { url, retryable: true },
    );
  }
}

/** A producer that was detached, closed or stopped by a fatal error takes no more messages. */
export class ProducerClosedError extends DurableStreamError {
  override readonly name = "ProducerClosedError";
  /** Why the producer stopped. */
  declare readonly reason: "detached" | "closed" | "stopped";

  constructor(url: string, reason: "detached" | "closed" | "stopped", cause?: unknown) {
    super("PRODUCER_CLOSED", `Producer is ${reason}: ${url}`, { url, cause });
    this.reason = reason;
  }
}

/**
 * Messages a durable producer's outbox could not deliver, re-sending them
 * with their recorded epoch and sequence (the producer id was fenced by a
 * newer epoch, the stream is closed or gone, or the server lacks an earlier
 * batch). They are no longer in the outbox: `messages` is the only copy, for
 * the application to append again or drop. `cause` is the server's refusal.
 */
export class UndeliveredError extends DurableStreamError {
  override readonly name = "UndeliveredError";
  /** The messages, in the order they were appended. */
  declare readonly messages: readonly unknown[];
  /** The producer id they were recorded under. */
  declare readonly producerId: string;

  constructor(url: string, producerId: string, messages: readonly unknown[], cause: unknown) {
    const count = `${messages.length} message${messages.length === 1 ? "" : "s"}`;
    const why = cause instanceof Error ? `: ${cause.message}` : "";
    super("UNDELIVERED", `${count} of producer ${producerId} could not be delivered${why}`, {
      url,
      cause,
    });
    this.messages = messages;
    this.producerId = producerId;
  }
}
