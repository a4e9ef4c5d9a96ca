import { randomUUID } from "node:crypto";
import type { DurableStream, DurableStreamClient } from "../../src/client/index.js";
import { AdapterError, requiredString, type Command, type Result } from "./protocol.js";

/**
 * The `benchmark` command (ADAPTER.md §10): runs one operation and times it
 * with the high-resolution clock.
 */
export async function benchmarkCommand(
  client: DurableStreamClient,
  command: Command,
): Promise<Result> {
  const iterationId = requiredString(command, "iterationId");
  const operation = command.operation;
  if (typeof operation !== "object" || operation === null) {
    throw new AdapterError("PARSE_ERROR", "benchmark: operation must be an object");
  }
  const op = operation as Record<string, unknown>;
  const started = process.hrtime.bigint();
  const metrics = await run(client, op);
  const durationNs = process.hrtime.bigint() - started;
  return {
    type: "benchmark",
    success: true,
    iterationId,
    durationNs: durationNs.toString(),
    metrics,
  };
}

/**
 * One handle per client and path, as a long-lived writer keeps it: the handle
 * learns the stream's content type once (a HEAD), so later `append`
 * iterations time one POST instead of HEAD + POST.
 */
const handles = new WeakMap<DurableStreamClient, Map<string, DurableStream>>();

function handleFor(client: DurableStreamClient, path: string): DurableStream {
  let byPath = handles.get(client);
  if (!byPath) {
    byPath = new Map();
    handles.set(client, byPath);
  }
  let handle = byPath.get(path);
  if (!handle) {
    handle = client.stream(path);
    byPath.set(path, handle);
  }
  return handle;
}

async function run(
  client: DurableStreamClient,
  op: Record<string, unknown>,
): Promise<{ messagesProcessed?: number; bytesTransferred?: number }> {
  const path = String(op.path);
  const size = Number(op.size ?? 0);
  switch (op.op) {
    case "append":
      await handleFor(client, path).append(payload(size, undefined));
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
      let bytes = 0;
      for await (const batch of res.jsonBatches()) {
        count += batch.items.length;
        // The server sends messages as compact JSON arrays, so this is (about) the body
        // size; without it the runner's MB/s, the scenario's criterion, would be 0.
        if (batch.items.length > 0) bytes += Buffer.byteLength(JSON.stringify(batch.items));
        if (batch.upToDate) break;
      }
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
  const producer = stream.producer(`bench-${randomUUID()}`, { autoClaim: true });
  const message = payload(size, undefined);
  try {
    for (let i = 0; i < count; i++) {
      if (!producer.tryAppend(message)) {
        await producer.flush();
        producer.append(message);
      }
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
