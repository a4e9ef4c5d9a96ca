import { afterAll, beforeAll } from "vitest";
import {
  DurableStreamClient,
  type DurableStreamClientOptions,
  type RetryOptions,
} from "../../src/client/index.js";
import { startFaultProxy, type FaultProxy } from "../support/fault-proxy.js";
import { startTestServer, testClient, type TestServer } from "../support/server.js";

/** The fault rate of the suite: 20 % of new connections reset, 20 % of server chunks cut. */
export const FAULT_RATE = 0.2;

/** Generous: a 2-core machine runs the fault files side by side with other work. */
export const FAULT_TEST_TIMEOUT_MS = 60_000;

/**
 * Fast backoff, so that a few hundred retries cost a second, not minutes. The
 * count is the client's default; tests that need more say why.
 */
export const FAST_RETRY: RetryOptions = {
  maxRetries: 3,
  initialDelayMs: 2,
  maxDelayMs: 20,
  multiplier: 2,
};

/**
 * The retry budget of readers behind the proxy. A read gives up after
 * `maxRetries` failures in a row (of one request, or of responses that broke
 * mid-body). At 20 % per chunk, a 400 KB catch-up (about seven 64 KiB chunks
 * on loopback) arrives whole only about one time in five, so the default 3
 * would fail a trial in roughly two of five; and a tail of 500 messages makes
 * hundreds of requests, each with a 0.36 chance to fail (reset or cut), so
 * four failures in a row somewhere are likely. 60 makes giving up about as
 * likely as 0.8^61 (1e-6) per response, so a failure of these tests means a
 * defect, not bad luck. A user on a network this bad would raise it too.
 */
export const READ_RETRY: RetryOptions = { ...FAST_RETRY, maxRetries: 60 };

/** The reference server (uncompressed, so cuts hit the real bytes) and the proxies of one test file. */
export interface FaultEnvironment {
  /** The reference server, reached directly (no faults): for setup and for reading back. */
  server(): TestServer;
  /** A client of the server itself, with no proxy in between. */
  directClient(): DurableStreamClient;
  /** Starts a proxy in front of the server; it is closed in `afterAll`. */
  proxy(seed: number, rate?: number): Promise<FaultProxy>;
  /** A client whose every request goes through `proxy` (retries: {@link FAST_RETRY} unless given). */
  clientThrough(proxy: FaultProxy, options?: DurableStreamClientOptions): DurableStreamClient;
}

/** Registers `beforeAll`/`afterAll` for one reference server and the proxies started in the file. */
export function faultEnvironment(options: { longPollTimeout?: number } = {}): FaultEnvironment {
  let current: TestServer | undefined;
  const proxies: FaultProxy[] = [];
  beforeAll(async () => {
    current = await startTestServer({
      compression: false,
      longPollTimeout: options.longPollTimeout ?? 1_000,
    });
  });
  afterAll(async () => {
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
    await current?.stop();
  });
  const server = () => {
    if (!current) throw new Error("reference server not started yet");
    return current;
  };
  return {
    server,
    directClient: () => testClient(server(), { retry: FAST_RETRY }),
    async proxy(seed, rate = FAULT_RATE) {
      const proxy = await startFaultProxy({
        target: server().url,
        seed,
        cutRate: rate,
        resetRate: rate,
      });
      proxies.push(proxy);
      return proxy;
    },
    clientThrough: (proxy, options = {}) =>
      new DurableStreamClient({ retry: FAST_RETRY, ...options, baseUrl: proxy.url }),
  };
}

/** Indices that occur more than once in `indices`, each counted once per extra occurrence. */
export function countDuplicates(indices: readonly number[]): number {
  return indices.length - new Set(indices).size;
}

/** Reads a JSON stream's messages straight from the server (no proxy, no client under test). */
export async function readBackJsonDirect<T>(serverUrl: string, path: string): Promise<T[]> {
  const response = await fetch(`${serverUrl}${path}?offset=-1`);
  if (!response.ok) throw new Error(`read-back of ${path} failed: ${response.status}`);
  if (response.headers.get("stream-up-to-date") === null) {
    throw new Error(`read-back of ${path} did not reach the tail in one response`);
  }
  return (await response.json()) as T[];
}
