import { type DurableStream, type LiveMode, type StreamResponse } from "../../src/client/index.js";
import {
  AdapterError,
  booleanField,
  numberField,
  stringField,
  type Command,
  type Result,
} from "./protocol.js";

interface ReadChunkResult {
  data: string;
  offset: string;
}

const DEFAULT_TIMEOUT_MS = 5000;
const DEFAULT_MAX_CHUNKS = 100;

/**
 * The `read` command (ADAPTER.md §5.9): catch-up reads run to up to date;
 * live reads collect until `maxChunks` data chunks, up to date (with
 * `waitForUpToDate`), the end of the stream, or `timeoutMs`.
 */
export async function readCommand(
  stream: DurableStream,
  command: Command,
  call: { headers: Record<string, () => string>; params: Record<string, () => string> },
): Promise<Result> {
  const live = liveMode(command.live);
  const timeoutMs = numberField(command, "timeoutMs") ?? DEFAULT_TIMEOUT_MS;
  const maxChunks = numberField(command, "maxChunks") ?? DEFAULT_MAX_CHUNKS;
  const waitForUpToDate = booleanField(command, "waitForUpToDate") ?? false;
  const offset = stringField(command, "offset");
  const requestedOffset = offset ?? "-1";

  // Before the first response the deadline aborts the request; after it, it ends the read quietly.
  const startAbort = new AbortController();
  let response: StreamResponse | undefined;
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (response) response.cancel();
    else startAbort.abort(new ReadDeadline());
  }, timeoutMs);
  try {
    response = await stream.read({
      offset: requestedOffset,
      live,
      signal: startAbort.signal,
      headers: call.headers,
      params: call.params,
    });
  } catch (error) {
    clearTimeout(timer);
    if (error instanceof ReadDeadline) {
      return {
        type: "read",
        success: true,
        status: 200,
        chunks: [],
        offset: requestedOffset,
        upToDate: true,
      };
    }
    throw error;
  }

  const chunks: ReadChunkResult[] = [];
  try {
    const source = response.isJson ? jsonChunks(response) : textChunks(response);
    for await (const chunk of source) {
      if (chunk.data !== "") chunks.push({ data: chunk.data, offset: chunk.offset });
      if (chunk.closed) break;
      if (live === "off" && chunk.upToDate) break;
      if (chunks.length >= maxChunks) break;
      if (waitForUpToDate && chunk.upToDate) break;
    }
  } finally {
    clearTimeout(timer);
    response.cancel();
  }
  return {
    type: "read",
    success: true,
    status: response.status,
    chunks,
    offset: response.offset,
    upToDate: timedOut || response.upToDate,
    streamClosed: response.closed,
    ...(response.cursor === undefined ? {} : { cursor: response.cursor }),
  };
}

interface AdapterChunk {
  data: string;
  offset: string;
  upToDate: boolean;
  closed: boolean;
}

async function* jsonChunks(response: StreamResponse): AsyncGenerator<AdapterChunk> {
  for await (const batch of response.jsonBatches()) {
    yield {
      data: batch.items.length === 0 ? "" : JSON.stringify(batch.items),
      offset: batch.offset,
      upToDate: batch.upToDate,
      closed: batch.closed,
    };
  }
}

async function* textChunks(response: StreamResponse): AsyncGenerator<AdapterChunk> {
  for await (const chunk of response.textChunks()) {
    yield {
      data: chunk.text,
      offset: chunk.offset,
      upToDate: chunk.upToDate,
      closed: chunk.closed,
    };
  }
}

function liveMode(value: unknown): LiveMode {
  if (value === undefined || value === false) return "off";
  if (value === true) return "auto";
  if (value === "long-poll" || value === "sse") return value;
  throw new AdapterError("PARSE_ERROR", `read: unsupported live value ${JSON.stringify(value)}`);
}

class ReadDeadline extends Error {
  constructor() {
    super("read deadline");
  }
}
