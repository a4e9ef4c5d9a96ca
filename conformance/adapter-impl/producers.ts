import {
  IdempotentProducer,
  type DurableStream,
  type ProducerOptions,
} from "../../src/client/index.js";
import {
  AdapterError,
  booleanField,
  numberField,
  requiredString,
  stringField,
  stringMap,
  type Command,
  type Result,
} from "./protocol.js";

const encoder = new TextEncoder();

/**
 * The idempotent-producer commands (ADAPTER.md §5.5–5.8). One producer is
 * kept per (path, producer id, epoch), so sequence numbers continue across
 * commands, as a long-lived writer's would.
 */
export class ProducerCommands {
  private readonly producers = new Map<string, IdempotentProducer>();

  constructor(private readonly streamFor: (path: string) => DurableStream) {}

  clear(): void {
    this.producers.clear();
  }

  async append(command: Command): Promise<Result> {
    const producer = this.cached(command);
    producer.append(message(requiredString(command, "data")));
    await producer.flush();
    return { type: command.type, success: true, status: 200, producerSeq: producer.nextSeq - 1 };
  }

  async appendBatch(command: Command): Promise<Result> {
    const items = command.items;
    if (!Array.isArray(items)) throw new AdapterError("PARSE_ERROR", "items must be an array");
    const maxInFlight = numberField(command, "maxInFlight") ?? 1;
    // Several in flight: one item per request, to provoke out-of-order arrival.
    const options: ProducerOptions =
      maxInFlight > 1
        ? { maxInFlight, lingerMs: 0, maxBatchBytes: 1 }
        : { maxInFlight: 1, lingerMs: 1000, maxBatchBytes: 1 << 20 };
    const producer = this.create(command, options);
    try {
      for (const item of items) producer.append(message(itemData(item)));
      await producer.flush();
    } finally {
      await producer.detach();
    }
    return { type: command.type, success: true, status: 200, producerSeq: producer.nextSeq - 1 };
  }

  async close(command: Command): Promise<Result> {
    const producer = this.cached(command);
    const data = stringField(command, "data");
    const { finalOffset } = await producer.close(data === undefined ? undefined : message(data));
    return { type: command.type, success: true, status: 200, finalOffset };
  }

  async detach(command: Command): Promise<Result> {
    const key = producerKey(command);
    const producer = this.producers.get(key);
    this.producers.delete(key);
    await producer?.detach();
    return { type: command.type, success: true, status: 200 };
  }

  private cached(command: Command): IdempotentProducer {
    const key = producerKey(command);
    let producer = this.producers.get(key);
    if (!producer) {
      producer = this.create(command, { maxInFlight: 1, lingerMs: 0 });
      this.producers.set(key, producer);
    }
    return producer;
  }

  private create(command: Command, options: ProducerOptions): IdempotentProducer {
    const headers = stringMap(command, "headers");
    const producer = new IdempotentProducer(
      this.streamFor(requiredString(command, "path")),
      requiredString(command, "producerId"),
      {
        ...options,
        epoch: numberField(command, "epoch") ?? 0,
        autoClaim: booleanField(command, "autoClaim") ?? false,
        ...(headers ? { headers } : {}),
      },
    );
    // Failures surface through flush()/close() as the command's error result.
    producer.on("error", () => undefined);
    return producer;
  }
}

/** Commands carry text; as bytes it is appended as given (one pre-serialised message on JSON streams). */
function message(data: string): Uint8Array {
  return encoder.encode(data);
}

function itemData(item: unknown): string {
  if (typeof item === "string") return item;
  if (
    typeof item === "object" &&
    item !== null &&
    typeof (item as { data?: unknown }).data === "string"
  ) {
    return (item as { data: string }).data;
  }
  throw new AdapterError("PARSE_ERROR", "items must be strings");
}

function producerKey(command: Command): string {
  const epoch = numberField(command, "epoch") ?? 0;
  return JSON.stringify([
    requiredString(command, "path"),
    requiredString(command, "producerId"),
    epoch,
  ]);
}
