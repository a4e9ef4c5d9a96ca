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
  const { status, headers } = response;
  const { url } = context;
  const init = { status };
  if (status === 404 || status === 409 || status === 410) {
    // Nothing in these bodies is needed; release the connection.
    await response.body?.cancel().catch(() => undefined);
  }
  if (status === 404) return new StreamNotFoundError(url, init);
  if (status === 410) return new OffsetGoneError(url, context.offset, init);
  if (status === 409) {
    if (isTrueHeader(headers.get(STREAM_CLOSED))) {
      return new StreamClosedError(url, headers.get(STREAM_NEXT_OFFSET) ?? undefined, init);
    }
    if (context.operation === "create") return new StreamConflictError(url, init);
    if (context.sentSeq !== undefined) return new SequenceConflictError(url, init);
    return new ContentTypeMismatchError(url, context.sentContentType, undefined, init);
  }
  const body = await safeBodyText(response);
  if (status === 400 && context.operation === "read" && context.offset !== undefined) {
    return new InvalidOffsetError(url, context.offset, init);
  }
  return new UnexpectedStatusError(url, status, body);
}

/** Reads at most 1 KiB of an error body; bodyless responses (HEAD) are never read. */
async function safeBodyText(response: Response): Promise<string> {
  if (response.body === null) return "";
  try {
    const text = await response.text();
    return text.length > 1024 ? `${text.slice(0, 1024)}…` : text;
  } catch {
    return "";
  }
}
