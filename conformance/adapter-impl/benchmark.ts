import { randomUUID } from "node:crypto";
import {
  IdempotentProducer,
  type DurableStream,
  type DurableStreamClient,
} from "../../src/client/index.js";
import { AdapterError, requiredString, type Command, type Result } from "./protocol.js";

/**
 * The `benchmark` command (ADAPTER.md §10): runs one operation and times it
 * with the high-resolution clock.
 */
export async function benchmarkCommand(
  client: DurableStreamClient,
  command: Command,
  handle: (path: string) => DurableStream,
): Promise<Result> {
  const iterationId = requiredString(command, "iterationId");
  const operation = command.operation;
  if (typeof operation !== "object" || operation === null) {
    throw new AdapterError("PARSE_ERROR", "benchmark: operation must be an object");
  }
  const op = operation as Record<string, unknown>;
  const started = process.hrtime.bigint();
  const { messagesProcessed, bytesTransferred } = await run(client, handle, op);
  const durationNs = process.hrtime.bigint() - started;
  return {
    type: "benchmark",
    success: true,
    iterationId,
    durationNs: durationNs.toString(),
    // Counted once the clock has stopped, so that counting is not timed.
    metrics: {
      messagesProcessed,
      bytesTransferred:
        typeof bytesTransferred === "function" ? bytesTransferred() : bytesTransferred,
    },
  };
}

/** What an operation reports; a byte count may be left to count after the clock stops. */
interface RunMetrics {
  messagesProcessed?: number;
  bytesTransferred?: number | (() => number);
}

async function run(
  client: DurableStreamClient,
  handle: (path: string) => DurableStream,
  op: Record<string, unknown>,
): Promise<RunMetrics> {
  const path = String(op.path);
  const size = Number(op.size ?? 0);
  switch (op.op) {
    case "append":
      // The adapter's handle for the path: it learns the content type once (a HEAD), so
      // later iterations time one POST, as a long-lived writer's would.
      await handle(path).append(payload(size, undefined));
      return { messagesProcessed: 1, bytesTransferred: size };
    case "read": {
      const res = await client
        .stream(path)
        .read({ offset: typeof op.offset === "string" ? op.offset : undefined });
      const bytes = await res.bytes();
      return { messagesProcessed: 1, bytesTransferred: bytes.length };
    }
    case "create":
      await client.stream(path).create({
        contentType:
          typeof op.contentType === "string" ? op.contentType : "application/octet-stream",
      });
      return { messagesProcessed: 1 };
    case "roundtrip":
      return roundtrip(client, path, size, op);
    case "throughput_append":
      return throughputAppend(client, path, Number(op.count), size);
    case "throughput_read": {
      const res = await client.stream(path).read();
      let count = 0;
      const batches: unknown[][] = [];
      for await (const batch of res.jsonBatches()) {
        count += batch.items.length;
        if (batch.items.length > 0) batches.push(batch.items);
        if (batch.upToDate) break;
      }
      // The server sends messages as compact JSON arrays, so this is (about) the body
      // size; without it the runner's MB/s, the scenario's criterion, would be 0.
      const bytes = () =>
        batches.reduce((sum, items) => sum + Buffer.byteLength(JSON.stringify(items)), 0);
      return { messagesProcessed: count, bytesTransferred: bytes };
    }
    default:
      throw new AdapterError("NOT_SUPPORTED", `benchmark: unsupported op ${String(op.op)}`);
  }
}

async function roundtrip(
  client: DurableStreamClient,
  path: string,
  size: number,
  op: Record<string, unknown>,
): Promise<{ messagesProcessed: number; bytesTransferred: number }> {
  const contentType =
    typeof op.contentType === "string" ? op.contentType : "application/octet-stream";
  const stream = client.stream(path, { contentType });
  const { offset } = await stream.create({ contentType });
  const live = op.live === "sse" ? "sse" : "long-poll";
  const res = await stream.read({ offset, live });
  const data = payload(size, contentType);
  const json = contentType.includes("json");
  const seen = (async () => {
    if (json) {
      for await (const batch of res.jsonBatches()) if (batch.items.length > 0) return size;
    } else {
      for await (const chunk of res.byteChunks())
        if (chunk.data.length > 0) return chunk.data.length;
    }
    return 0;
  })();
  await stream.append(data);
  const received = await seen;
  res.cancel();
  return { messagesProcessed: 1, bytesTransferred: received };
}

async function throughputAppend(
  client: DurableStreamClient,
  path: string,
  count: number,
  size: number,
): Promise<{ messagesProcessed: number; bytesTransferred: number }> {
  const stream = client.stream(path, { contentType: "application/octet-stream" });
  await stream.create({ contentType: "application/octet-stream" });
  // Message by message through the exactly-once path, as ADAPTER.md §10 describes the
  // TypeScript adapter doing: batching is the producer's work, not the adapter's.
  const producer = new IdempotentProducer(stream, `bench-${randomUUID()}`, { autoClaim: true });
  const message = payload(size, undefined);
  try {
    for (let i = 0; i < count; i++) {
      // At the buffer limits, wait for an acknowledgement to free room (not for all of
      // them, as flush() would: that would empty the pipeline).
      while (!producer.tryAppend(message)) await nextChange(producer);
    }
    await producer.flush();
  } finally {
    await producer.detach();
  }
  return { messagesProcessed: count, bytesTransferred: count * size };
}

/** `size` bytes; valid JSON (one string message) when the stream is JSON. */
function payload(size: number, contentType: string | undefined): Uint8Array | string {
  if (contentType?.includes("json")) return JSON.stringify(["x".repeat(Math.max(0, size - 6))]);
  return new Uint8Array(size).fill(97);
}

function nextChange(producer: IdempotentProducer): Promise<void> {
  return new Promise((resolve) => {
    const off = producer.on("change", () => {
      off();
      resolve();
    });
  });
}
