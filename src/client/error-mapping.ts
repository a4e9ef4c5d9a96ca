import {
  DurableStreamError,
  InvalidOffsetError,
  OffsetGoneError,
  SequenceConflictError,
  StreamClosedError,
  StreamConflictError,
  StreamNotFoundError,
  UnexpectedStatusError,
  ContentTypeMismatchError,
} from "./errors.js";
import { STREAM_CLOSED, STREAM_NEXT_OFFSET, isTrueHeader } from "./headers.js";

/** The operation a response answered; 409 and 400 mean different things per operation. */
export type Operation = "create" | "head" | "read" | "append" | "close" | "delete";

/** What the request carried that the error mapping needs to tell causes apart. */
export interface ErrorContext {
  operation: Operation;
  url: string;
  offset?: string | undefined;
  sentContentType?: string | undefined;
  sentSeq?: string | undefined;
}

/**
 * Maps a non-success response to a typed error, from the status and headers
 * only (the protocol says not to rely on bodies). The body text is kept, short,
 * for diagnostics.
 */
export async function errorFromResponse(
  response: Response,
  context: ErrorContext,
): Promise<DurableStreamError> {
  const { status, headers, body } = response;
  const { url, offset } = context;
  if (status === 404 || status === 409 || status === 410) {
    // Nothing in these bodies is needed; release the connection.
    await body?.cancel().catch(() => undefined);
    // Each of these classes carries its status already.
    if (status === 404) return new StreamNotFoundError(url);
    if (status === 410) return new OffsetGoneError(url, offset);
    if (isTrueHeader(headers.get(STREAM_CLOSED))) {
      return new StreamClosedError(url, headers.get(STREAM_NEXT_OFFSET) ?? undefined);
    }
    if (context.operation === "create") return new StreamConflictError(url);
    return context.sentSeq === undefined
      ? new ContentTypeMismatchError(url, context.sentContentType, undefined)
      : new SequenceConflictError(url);
  }
  // At most 1 KiB of the body, for diagnostics; bodyless responses (HEAD) are never read.
  let text = "";
  try {
    text = body === null ? "" : await response.text();
  } catch {
    // An unreadable body is no reason to hide the status.
  }
  if (status === 400 && context.operation === "read" && offset !== undefined) {
    return new InvalidOffsetError(url, offset);
  }
  return new UnexpectedStatusError(
    url,
    status,
    text.length > 1024 ? `${text.slice(0, 1024)}…` : text,
  );
}
