/** The in-memory server's SSE answer: data and control events, then waiting for more. */
import { nextCursor, offsetAt, type StoredStream } from "./in-memory-store.js";

/** Where an SSE connection reads from. */
export interface SseSource {
  /** The stream now; undefined once it is gone or failing, which breaks the connection. */
  current(): StoredStream | undefined;
  /** Resolves when the stream changes or the wait times out; rejects when `stop` aborts. */
  waitForChange(stop: AbortSignal): Promise<boolean>;
}

const encoder = new TextEncoder();

/** An SSE connection from message `start`, open until the stream closes or the client cancels. */
export function sseResponse(
  source: SseSource,
  start: number,
  clientCursor: string | null,
  signal: AbortSignal | undefined,
): Response {
  const stopper = new AbortController();
  let position = start;
  let cursor = clientCursor;
  const pump = async (controller: ReadableStreamDefaultController<Uint8Array>) => {
    const send = (event: string, data: string) => {
      const lines = data.split(/\r\n|\r|\n/).map((line) => `data: ${line}`);
      controller.enqueue(encoder.encode(`event: ${event}\n${lines.join("\n")}\n\n`));
    };
    while (!stopper.signal.aborted) {
      const stream = source.current();
      if (!stream) {
        // The server went away mid-connection: the client reconnects and meets the failure.
        controller.error(new TypeError("connection reset"));
        return;
      }
      const pieces = stream.messages.slice(position);
      if (pieces.length > 0) {
        send("data", stream.json ? `[${pieces.join(",")}]` : pieces.join(""));
      }
      position = stream.messages.length;
      const streamNextOffset = offsetAt(stream, position);
      if (stream.closed) {
        send("control", JSON.stringify({ streamNextOffset, streamClosed: true }));
        controller.close();
        return;
      }
      cursor = nextCursor(cursor);
      send("control", JSON.stringify({ streamNextOffset, streamCursor: cursor, upToDate: true }));
      await source.waitForChange(stopper.signal);
    }
  };
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      signal?.addEventListener(
        "abort",
        () => {
          stopper.abort();
          try {
            controller.error(signal.reason);
          } catch {
            // Already closed.
          }
        },
        { once: true },
      );
      void pump(controller).catch(() => undefined);
    },
    cancel() {
      stopper.abort();
    },
  });
  return new Response(body, {
    status: 200,
    headers: { "content-type": "text/event-stream", "cache-control": "no-cache" },
  });
}
