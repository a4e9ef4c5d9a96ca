import { randomUUID } from "node:crypto";
import {
  IdempotentProducer,
  StreamNotFoundError,
  type DurableStream,
  type DurableStreamClient,
} from "../../src/client/index.js";

/** What `GET /api/generations/<id>` answers. */
export interface GenerationInfo {
  id: string;
  url: string;
  tokens: number;
  rate: number;
  done: boolean;
}

/** Where the list of generations lives: on the reference server, outside `/streams/` (not proxied). */
const REGISTRY_PATH = "/_demo/generations";

/** Tokens per line of a generation: its text has line breaks, as a model's answer would. */
const TOKENS_PER_LINE = 12;

/** The deterministic token at `index`: `t00000 `, `t00001 `, ..., every 12th ending its line. */
export function tokenAt(index: number): string {
  const separator = index % TOKENS_PER_LINE === TOKENS_PER_LINE - 1 ? "\n" : " ";
  return `t${String(index).padStart(5, "0")}${separator}`;
}

/** How many tokens a generation's text holds. */
export function countTokens(text: string): number {
  return text.match(/t\d{5,}/g)?.length ?? 0;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
  });

/**
 * Simulated model runs: each writes its tokens through an idempotent producer
 * at a fixed rate, then closes its stream. The list of generations is itself
 * a durable stream, so after a restart unfinished runs continue where their
 * stream ends.
 */
export class Generations {
  private readonly infos = new Map<string, GenerationInfo>();
  private readonly running = new Set<Promise<void>>();
  private readonly controller = new AbortController();
  /** Producer ids are per process run, so a restarted run never reuses an old (epoch, seq). */
  private readonly runId = randomUUID().slice(0, 8);

  constructor(private readonly client: DurableStreamClient) {}

  /** Creates the registry if needed and resumes generations a previous run left unfinished. */
  async resume(): Promise<void> {
    const registry = this.client.stream(REGISTRY_PATH);
    await registry.create({ contentType: "application/json" });
    const response = await registry.read({ live: "off" });
    const entries = (await response.json()) as Array<Omit<GenerationInfo, "done">>;
    for (const entry of entries) {
      const info: GenerationInfo = { ...entry, done: false };
      this.infos.set(info.id, info);
      this.track(this.resumeOne(info));
    }
  }

  /** Creates the stream, records the generation, and starts writing in the background. */
  async start(rate: number, tokens: number): Promise<GenerationInfo> {
    const id = randomUUID().replace(/-/g, "").slice(0, 10);
    const url = `/streams/generations/${id}`;
    await this.client.stream(url).create({ contentType: "text/plain" });
    const info: GenerationInfo = { id, url, tokens, rate, done: false };
    await this.client.stream(REGISTRY_PATH).appendJson({ id, url, tokens, rate });
    this.infos.set(id, info);
    this.track(this.run(info, 0));
    return info;
  }

  get(id: string): GenerationInfo | undefined {
    return this.infos.get(id);
  }

  /** Stops writing (the streams stay open, to be resumed by the next run). */
  async close(): Promise<void> {
    this.controller.abort();
    await Promise.allSettled([...this.running]);
  }

  private track(task: Promise<void>): void {
    const tracked = task.catch((error: unknown) => {
      if (!this.controller.signal.aborted) console.error("[demo] generation failed:", error);
    });
    this.running.add(tracked);
    void tracked.finally(() => this.running.delete(tracked));
  }

  private async resumeOne(info: GenerationInfo): Promise<void> {
    const stream = this.client.stream(info.url);
    try {
      const head = await stream.head();
      if (head.closed) {
        info.done = true;
        return;
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
      await stream.create({ contentType: "text/plain" });
    }
    const text = await (await stream.read({ live: "off" })).text();
    await this.run(info, countTokens(text));
  }

  private async run(info: GenerationInfo, from: number): Promise<void> {
    const stream: DurableStream = this.client.stream(info.url);
    const producer = new IdempotentProducer(stream, `model-${info.id}-${this.runId}`, {
      lingerMs: 5,
    });
    producer.on("error", (error) => console.error(`[demo] ${info.url}: ${error.message}`));
    const signal = this.controller.signal;
    const started = performance.now();
    const tick = Math.min(50, Math.max(4, 1000 / info.rate));
    let index = from;
    while (index < info.tokens && !signal.aborted) {
      const elapsed = performance.now() - started;
      const due = Math.min(info.tokens, from + 1 + Math.floor((elapsed * info.rate) / 1000));
      // Hand over what is due only once the producer's queue is empty, so it leaves as one
      // batch. The producer does not merge batches that wait for an in-flight slot: one
      // token per batch would cap the rate at maxInFlight / round trip on a slow disk.
      if (producer.pendingCount === 0) {
        while (index < due) {
          if (producer.tryAppend(tokenAt(index))) index++;
          else await producer.flush(); // the buffer is full: wait for the server to catch up
        }
      }
      await sleep(tick, signal);
    }
    if (signal.aborted) {
      await producer.detach();
      return;
    }
    await producer.close();
    info.done = true;
  }
}
