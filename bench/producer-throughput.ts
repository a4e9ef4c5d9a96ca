/**
 * Producer throughput against the reference server (in memory, 127.0.0.1,
 * port 0), with the producer's default options.
 *
 *   npx tsx bench/producer-throughput.ts
 *
 * Appends 100,000 messages of 100 bytes to an application/octet-stream stream
 * and 100,000 JSON messages of about 100 bytes to an application/json stream,
 * flushes, reads each stream back to check that nothing was lost or doubled,
 * and prints messages/s, MB/s (10^6 bytes) and the elapsed time of append +
 * flush (the read-back is not timed).
 */
import { DurableStreamTestServer } from "@durable-streams/server";
import {
  DurableStreamClient,
  Offset,
  type IdempotentProducer,
  type ProducerMessage,
} from "../src/client/index.js";

const MESSAGES = 100_000;
const MESSAGE_BYTES = 100;

interface Result {
  label: string;
  messages: number;
  bytes: number;
  ms: number;
}

/** Appends every message; when the buffer limits are reached, waits for the acknowledgements. */
async function appendAll(
  producer: IdempotentProducer,
  message: (i: number) => ProducerMessage,
): Promise<void> {
  for (let i = 0; i < MESSAGES; i++) {
    const next = message(i);
    if (!producer.tryAppend(next)) {
      await producer.flush();
      producer.append(next);
    }
  }
  await producer.flush();
}

async function bytesRun(client: DurableStreamClient): Promise<Result> {
  const stream = await client.createStream("/bench/bytes", {
    contentType: "application/octet-stream",
  });
  const payload = new Uint8Array(MESSAGE_BYTES);
  for (let i = 0; i < payload.length; i++) payload[i] = i % 251;
  const producer = stream.producer("bench-bytes");
  const errors: unknown[] = [];
  producer.on("error", (error) => errors.push(error));

  const start = performance.now();
  await appendAll(producer, () => payload);
  const ms = performance.now() - start;
  await producer.detach();
  if (errors.length > 0) throw new Error(`producer reported ${errors.length} errors`);

  const read = await stream.read({ offset: Offset.beginning, live: "off" });
  const length = (await read.bytes()).length;
  const expected = MESSAGES * MESSAGE_BYTES;
  if (length !== expected) throw new Error(`read back ${length} bytes, expected ${expected}`);
  return { label: "octet-stream", messages: MESSAGES, bytes: length, ms };
}

async function jsonRun(client: DurableStreamClient): Promise<Result> {
  const stream = await client.createStream("/bench/json", { contentType: "application/json" });
  const producer = stream.producer("bench-json");
  const errors: unknown[] = [];
  producer.on("error", (error) => errors.push(error));
  const message = (i: number) => {
    const pad = MESSAGE_BYTES - JSON.stringify({ id: i, text: "" }).length;
    return { id: i, text: "x".repeat(Math.max(0, pad)) };
  };
  let bytes = 0;
  for (let i = 0; i < MESSAGES; i++) bytes += JSON.stringify(message(i)).length;

  const start = performance.now();
  await appendAll(producer, message);
  const ms = performance.now() - start;
  await producer.detach();
  if (errors.length > 0) throw new Error(`producer reported ${errors.length} errors`);

  const read = await stream.read({ offset: Offset.beginning, live: "off" });
  const items = await read.json<{ id: number }>();
  if (items.length !== MESSAGES) {
    throw new Error(`read back ${items.length} items, expected ${MESSAGES}`);
  }
  items.forEach((item, index) => {
    if (item.id !== index) throw new Error(`item ${index} has id ${item.id}: order broken`);
  });
  return { label: "json", messages: MESSAGES, bytes, ms };
}

function report({ label, messages, bytes, ms }: Result): void {
  const seconds = ms / 1000;
  console.log(
    `${label.padEnd(13)} ${messages.toLocaleString("en")} messages, ` +
      `${(bytes / 1e6).toFixed(1)} MB in ${ms.toFixed(0)} ms: ` +
      `${Math.round(messages / seconds).toLocaleString("en")} messages/s, ` +
      `${(bytes / 1e6 / seconds).toFixed(1)} MB/s (verified by reading back)`,
  );
}

const server = new DurableStreamTestServer({ host: "127.0.0.1", port: 0 });
const url = await server.start();
try {
  const client = new DurableStreamClient({ baseUrl: url, warnOnHttp: false });
  console.log(`reference server ${url} (in memory); producer with default options`);
  report(await bytesRun(client));
  report(await jsonRun(client));
} finally {
  await server.stop();
}
