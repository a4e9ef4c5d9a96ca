import {
  IdempotentProducer,
  DurableStreamClient,
  type CreateOptions,
  type DurableStream,
  type ProducerOptions,
  type RetryOptions,
} from "../../src/client/index.js";
import { benchmarkCommand } from "./benchmark.js";
import { DynamicValues } from "./dynamic-values.js";
import { ProducerCommands } from "./producers.js";
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
import { readCommand } from "./read.js";

const CLIENT_NAME = "react-durable-streams";
const CLIENT_VERSION = "0.1.0";

/**
 * The adapter's state across commands: one client per `init`, one handle per
 * path (so a content type learned on create is reused by later appends), and
 * the dynamic headers and parameters.
 */
export class AdapterState {
  private client: DurableStreamClient | undefined;
  private serverUrl = "";
  private readonly handles = new Map<string, DurableStream>();
  private readonly dynamic = new DynamicValues();
  private readonly producers = new ProducerCommands((path) => this.stream(path));

  async handle(command: Command): Promise<Result> {
    switch (command.type) {
      case "init":
        return this.init(command);
      case "create":
        return this.create(command);
      case "connect":
        return this.connect(command);
      case "append":
        return this.append(command);
      case "read":
        return this.read(command);
      case "head":
        return this.head(command);
      case "delete":
        return this.remove(command);
      case "close":
        return this.close(command);
      case "set-dynamic-header":
        this.dynamic.setHeader(
          requiredString(command, "name"),
          valueType(command),
          stringField(command, "initialValue"),
        );
        return { type: command.type, success: true };
      case "set-dynamic-param":
        this.dynamic.setParam(requiredString(command, "name"), valueType(command));
        return { type: command.type, success: true };
      case "clear-dynamic":
        this.dynamic.clear();
        return { type: command.type, success: true };
      case "idempotent-append":
        return this.producers.append(command);
      case "idempotent-append-batch":
        return this.producers.appendBatch(command);
      case "idempotent-close":
        return this.producers.close(command);
      case "idempotent-detach":
        return this.producers.detach(command);
      case "validate":
        return validate(command);
      case "benchmark":
        return benchmarkCommand(this.requireClient(), command, (path) => this.stream(path));
      case "shutdown":
        return { type: "shutdown", success: true };
      default:
        throw new AdapterError("NOT_SUPPORTED", `Unsupported command: ${command.type}`);
    }
  }

  private init(command: Command): Result {
    this.serverUrl = requiredString(command, "serverUrl");
    // Retries are fast here (the server is local) but as many as the cases' faults need.
    this.client = new DurableStreamClient({
      baseUrl: this.serverUrl,
      retry: { maxRetries: 5, initialDelayMs: 10, maxDelayMs: 200 },
    });
    this.handles.clear();
    this.dynamic.clear();
    this.producers.clear();
    return {
      type: "init",
      success: true,
      clientName: CLIENT_NAME,
      clientVersion: CLIENT_VERSION,
      features: {
        batching: true,
        sse: true,
        longPoll: true,
        auto: true,
        streaming: true,
        dynamicHeaders: true,
        retryOptions: true,
        batchItems: true,
        strictZeroValidation: true,
      },
    };
  }

  private requireClient(): DurableStreamClient {
    if (!this.client) throw new AdapterError("INTERNAL_ERROR", "init has not been sent");
    return this.client;
  }

  private stream(path: string, contentType?: string): DurableStream {
    let handle = this.handles.get(path);
    if (!handle || contentType !== undefined) {
      handle = this.requireClient().stream(path, contentType === undefined ? {} : { contentType });
      this.handles.set(path, handle);
    }
    return handle;
  }

  private async create(command: Command): Promise<Result> {
    const path = requiredString(command, "path");
    const contentType = stringField(command, "contentType") ?? "application/octet-stream";
    const options: CreateOptions = { contentType };
    const ttlSeconds = numberField(command, "ttlSeconds");
    if (ttlSeconds !== undefined) options.ttlSeconds = ttlSeconds;
    const expiresAt = stringField(command, "expiresAt");
    if (expiresAt !== undefined) options.expiresAt = expiresAt;
    const closed = booleanField(command, "closed");
    if (closed !== undefined) options.closed = closed;
    const data = stringField(command, "data");
    if (data !== undefined) options.data = data;
    const headers = stringMap(command, "headers");
    if (headers) options.headers = headers;
    const result = await this.stream(path, contentType).create(options);
    return {
      type: "create",
      success: true,
      status: result.created ? 201 : 200,
      offset: result.offset,
    };
  }

  private async connect(command: Command): Promise<Result> {
    const path = requiredString(command, "path");
    const handle = await this.requireClient().connect(path, {
      headers: stringMap(command, "headers"),
    });
    this.handles.set(path, handle);
    const { offset } = await handle.head();
    return { type: "connect", success: true, status: 200, offset };
  }

  private async append(command: Command): Promise<Result> {
    const path = requiredString(command, "path");
    const text = requiredString(command, "data");
    const data = booleanField(command, "binary")
      ? new Uint8Array(Buffer.from(text, "base64"))
      : text;
    const seq = numberField(command, "seq");
    const sent = this.dynamic.evaluate();
    const result = await this.stream(path).append(data, {
      seq: seq === undefined ? undefined : String(seq),
      headers: { ...sent.headers, ...stringMap(command, "headers") },
      params: sent.params,
    });
    return {
      type: "append",
      success: true,
      status: 200,
      offset: result.offset,
      ...this.sentReport(sent),
    };
  }

  private async read(command: Command): Promise<Result> {
    const path = requiredString(command, "path");
    const sent = this.dynamic.evaluate();
    const extra = stringMap(command, "headers") ?? {};
    const headers = { ...sent.headers } as Record<string, () => string>;
    for (const [name, value] of Object.entries(extra)) headers[name] = () => value;
    const result = await readCommand(this.stream(path), command, {
      headers,
      params: sent.params as Record<string, () => string>,
    });
    return { ...result, ...this.sentReport(sent) };
  }

  private sentReport(sent: ReturnType<DynamicValues["evaluate"]>): Record<string, unknown> {
    if (this.dynamic.empty) return {};
    return { headersSent: sent.headersSent, paramsSent: sent.paramsSent };
  }

  private async head(command: Command): Promise<Result> {
    const path = requiredString(command, "path");
    const head = await this.stream(path).head({ headers: stringMap(command, "headers") });
    const result: Result = {
      type: "head",
      success: true,
      status: 200,
      offset: head.offset,
      streamClosed: head.closed,
    };
    if (head.contentType !== undefined) result.contentType = head.contentType;
    if (head.ttlSeconds !== undefined) result.ttlSeconds = head.ttlSeconds;
    if (head.expiresAt !== undefined) result.expiresAt = head.expiresAt;
    return result;
  }

  private async remove(command: Command): Promise<Result> {
    const path = requiredString(command, "path");
    await this.stream(path).delete({ headers: stringMap(command, "headers") });
    this.handles.delete(path);
    return { type: "delete", success: true, status: 200 };
  }

  private async close(command: Command): Promise<Result> {
    const path = requiredString(command, "path");
    const data = stringField(command, "data");
    const contentType = stringField(command, "contentType");
    const { finalOffset } = await this.stream(path).close({
      ...(data === undefined ? {} : { data }),
      ...(contentType === undefined ? {} : { contentType }),
    });
    return { type: "close", success: true, finalOffset };
  }
}

function valueType(command: Command): "counter" | "timestamp" | "token" {
  const type = requiredString(command, "valueType");
  if (type === "counter" || type === "timestamp" || type === "token") return type;
  throw new AdapterError("PARSE_ERROR", `unknown valueType ${type}`);
}

/** `validate` (§5.14): build the object with the options, no I/O. */
function validate(command: Command): Result {
  const target = command.target;
  if (typeof target !== "object" || target === null) {
    throw new AdapterError("PARSE_ERROR", "validate: target must be an object");
  }
  const options = target as Record<string, unknown>;
  if (options.target === "retry-options") {
    const retry: RetryOptions = {};
    for (const key of ["maxRetries", "initialDelayMs", "maxDelayMs", "multiplier"] as const) {
      if (typeof options[key] === "number") retry[key] = options[key];
    }
    new DurableStreamClient({ baseUrl: "http://127.0.0.1", retry });
    return { type: "validate", success: true };
  }
  if (options.target === "idempotent-producer") {
    const producerOptions: ProducerOptions = {};
    for (const key of [
      "epoch",
      "maxBatchBytes",
      "maxBatchItems",
      "maxInFlight",
      "lingerMs",
    ] as const) {
      if (typeof options[key] === "number") producerOptions[key] = options[key];
    }
    const id = typeof options.producerId === "string" ? options.producerId : "validate";
    new IdempotentProducer(
      new DurableStreamClient({ baseUrl: "http://127.0.0.1" }).stream("/validate"),
      id,
      producerOptions,
    );
    return { type: "validate", success: true };
  }
  throw new AdapterError("NOT_SUPPORTED", `validate: unsupported target ${String(options.target)}`);
}
