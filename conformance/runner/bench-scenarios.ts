import type { BenchCriteria } from "./bench-stats.js";
import type { Obj } from "./types.js";

/**
 * The benchmark scenarios of ADAPTER.md §10: which operation each
 * iteration sends, how many warmup and measured iterations, the streams the
 * runner prepares, the pass criteria and the required adapter features.
 */

export const BENCH_CATEGORIES = ["latency", "throughput", "streaming"] as const;
export type BenchCategory = (typeof BENCH_CATEGORIES)[number];

/** The `operation` of a `benchmark` command. */
export interface BenchOperation extends Obj {
  readonly op: string;
  readonly path: string;
}

/** Where one iteration runs: `<base>` is `/bench-<uuid>`, fresh per scenario. */
export interface IterationContext {
  readonly base: string;
  /** Counts from 0 in warmup and again in the measured phase (§10). */
  readonly iteration: number;
  /** Scale factor of message counts (1 in a real run). */
  readonly scale: number;
}

/** Plain HTTP to the reference server, for the streams the runner prepares. */
export interface BenchHttp {
  create(path: string, contentType: string): Promise<void>;
  append(path: string, contentType: string, body: string | Uint8Array<ArrayBuffer>): Promise<void>;
  delete(path: string): Promise<void>;
}

export interface BenchScenario {
  readonly id: string;
  readonly name: string;
  readonly category: BenchCategory;
  readonly warmup: number;
  readonly measured: number;
  /** Feature names of the `init` result, matched literally (`longPoll`). */
  readonly requires: readonly string[];
  readonly criteria: BenchCriteria;
  /** Creates and fills the streams the iterations need, before the first one. */
  readonly prepare?: (http: BenchHttp, ctx: Omit<IterationContext, "iteration">) => Promise<void>;
  readonly operation: (ctx: IterationContext) => BenchOperation;
}

const KIB = 1024;
const MIB = 1024 * 1024;
const OCTET = "application/octet-stream";
const JSON_TYPE = "application/json";
/** Objects the runner puts in the `throughput-read` stream (§10: 10 000 small objects). */
export const THROUGHPUT_READ_OBJECTS = 10_000;
/** Serialised size of each of those objects, in bytes (ASCII only). */
export const THROUGHPUT_READ_OBJECT_BYTES = 100;

/** A count scaled down for quick runs; never below `min`. */
export function scaled(count: number, scale: number, min = 1): number {
  return Math.max(min, Math.round(count * scale));
}

/**
 * Warmup and measured iteration counts at `scale`: at least one of each, so
 * that a scaled-down run still keeps first-call costs (JIT, connection) out
 * of the measurement.
 */
export function iterationCounts(
  scenario: BenchScenario,
  scale: number,
): { readonly warmup: number; readonly measured: number } {
  return { warmup: scaled(scenario.warmup, scale), measured: scaled(scenario.measured, scale) };
}

export const BENCH_SCENARIOS: readonly BenchScenario[] = [
  {
    id: "latency-append",
    name: "Append latency",
    category: "latency",
    warmup: 10,
    measured: 100,
    requires: [],
    criteria: { maxP50Ms: 20, maxP99Ms: 100 },
    // The op appends to an existing stream, so the runner creates it.
    prepare: (http, { base }) => http.create(`${base}/stream`, OCTET),
    operation: ({ base }) => ({ op: "append", path: `${base}/stream`, size: 100 }),
  },
  {
    id: "latency-read",
    name: "Read latency",
    category: "latency",
    warmup: 10,
    measured: 100,
    requires: [],
    criteria: { maxP50Ms: 20, maxP99Ms: 100 },
    prepare: async (http, { base }) => {
      const path = `${base}/stream`;
      await http.create(path, OCTET);
      for (let i = 0; i < 10; i++) await http.append(path, OCTET, filler(KIB, i));
    },
    operation: ({ base }) => ({ op: "read", path: `${base}/stream` }),
  },
  {
    id: "latency-roundtrip",
    name: "Roundtrip latency (long-poll)",
    category: "latency",
    warmup: 5,
    measured: 50,
    requires: ["longPoll"],
    criteria: { maxP50Ms: 50, maxP99Ms: 200 },
    operation: ({ base, iteration }) => ({
      op: "roundtrip",
      path: `${base}/roundtrip-${iteration}`,
      size: 100,
      live: "long-poll",
    }),
  },
  {
    id: "latency-create",
    name: "Create latency",
    category: "latency",
    warmup: 5,
    measured: 50,
    requires: [],
    criteria: { maxP50Ms: 30, maxP99Ms: 150 },
    operation: ({ base, iteration }) => ({
      op: "create",
      path: `${base}/create-${iteration}`,
      contentType: OCTET,
    }),
  },
  {
    id: "throughput-small-messages",
    name: "Small message throughput",
    category: "throughput",
    warmup: 2,
    measured: 10,
    requires: ["batching"],
    criteria: { minOpsPerSecond: 1000 },
    operation: ({ base, scale }) => ({
      op: "throughput_append",
      path: `${base}/throughput-small`,
      count: scaled(100_000, scale),
      size: 100,
      concurrency: 200,
    }),
  },
  {
    id: "throughput-large-messages",
    name: "Large message throughput",
    category: "throughput",
    warmup: 1,
    measured: 5,
    requires: ["batching"],
    criteria: { minOpsPerSecond: 20 },
    operation: ({ base, scale }) => ({
      op: "throughput_append",
      path: `${base}/throughput-large`,
      count: scaled(50, scale),
      size: MIB,
      concurrency: 10,
    }),
  },
  {
    id: "throughput-read",
    name: "Read throughput (JSON)",
    category: "throughput",
    warmup: 1,
    measured: 5,
    requires: [],
    criteria: { minMBPerSecond: 3 },
    prepare: async (http, { base, scale }) => {
      const path = `${base}/throughput-read`;
      await http.create(path, JSON_TYPE);
      const total = scaled(THROUGHPUT_READ_OBJECTS, scale);
      // Posted as JSON arrays; the server stores each element as one message.
      for (let from = 0; from < total; from += 1000) {
        const batch: string[] = [];
        for (let i = from; i < Math.min(total, from + 1000); i++) batch.push(jsonObject(i));
        await http.append(path, JSON_TYPE, `[${batch.join(",")}]`);
      }
    },
    // Upstream says 100 000 here while it fills 10 000; we send the true count.
    operation: ({ base, scale }) => ({
      op: "throughput_read",
      path: `${base}/throughput-read`,
      expectedCount: scaled(THROUGHPUT_READ_OBJECTS, scale),
    }),
  },
  {
    id: "streaming-sse-latency",
    name: "SSE roundtrip latency (JSON)",
    category: "streaming",
    warmup: 3,
    measured: 20,
    requires: ["sse"],
    criteria: { maxP50Ms: 100, maxP99Ms: 500 },
    operation: ({ base, iteration }) => ({
      op: "roundtrip",
      path: `${base}/sse-latency-${iteration}`,
      size: 100,
      live: "sse",
      contentType: JSON_TYPE,
    }),
  },
];

export function findScenario(id: string): BenchScenario | undefined {
  return BENCH_SCENARIOS.find((s) => s.id === id);
}

/** `size` bytes of printable filler, different per `seed`. */
function filler(size: number, seed: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = 97 + ((i + seed) % 26);
  return bytes;
}

/** The i-th object of the `throughput-read` stream, padded to exactly 100 bytes of JSON. */
export function jsonObject(i: number): string {
  const head = `{"id":${i},"text":"`;
  const tail = `"}`;
  const pad = Math.max(0, THROUGHPUT_READ_OBJECT_BYTES - head.length - tail.length);
  return `${head}${"x".repeat(pad)}${tail}`;
}

/** `BenchHttp` over `fetch`; any non-2xx answer is an error (the scenario cannot run). */
export class FetchBenchHttp implements BenchHttp {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs = 60_000,
  ) {}

  async create(path: string, contentType: string): Promise<void> {
    await this.request("PUT", path, { "content-type": contentType });
  }

  async append(
    path: string,
    contentType: string,
    body: string | Uint8Array<ArrayBuffer>,
  ): Promise<void> {
    await this.request("POST", path, { "content-type": contentType }, body);
  }

  async delete(path: string): Promise<void> {
    await this.request("DELETE", path, {});
  }

  private async request(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string | Uint8Array<ArrayBuffer>,
  ): Promise<void> {
    const res = await fetch(this.baseUrl + path, {
      method,
      headers,
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
  }
}
