/** Protocol header names (lower case; HTTP header names are case-insensitive). */
export const STREAM_NEXT_OFFSET = "stream-next-offset";
export const STREAM_CURSOR = "stream-cursor";
export const STREAM_UP_TO_DATE = "stream-up-to-date";
export const STREAM_CLOSED = "stream-closed";
export const STREAM_SEQ = "stream-seq";
export const STREAM_TTL = "stream-ttl";
export const STREAM_EXPIRES_AT = "stream-expires-at";
export const STREAM_SSE_DATA_ENCODING = "stream-sse-data-encoding";
export const PRODUCER_ID = "producer-id";
export const PRODUCER_EPOCH = "producer-epoch";
export const PRODUCER_SEQ = "producer-seq";
export const PRODUCER_EXPECTED_SEQ = "producer-expected-seq";
export const PRODUCER_RECEIVED_SEQ = "producer-received-seq";

/** `Stream-Closed` counts only when its value is `true`, case-insensitively. */
export function isTrueHeader(value: string | null | undefined): boolean {
  return value != null && value.trim().toLowerCase() === "true";
}
