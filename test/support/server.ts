import { DurableStreamTestServer } from "@durable-streams/server";
import { afterAll, beforeAll } from "vitest";
import { DurableStreamClient, type DurableStreamClientOptions } from "../../src/client/index.js";

/** Options of the reference server used by the tests. */
export interface TestServerOptions {
  longPollTimeout?: number;
  compression?: boolean;
  /** A fixed port (to restart a server where it was); 0 by default. */
  port?: number;
}

/** A running reference server on 127.0.0.1, port 0. */
export interface TestServer {
  readonly url: string;
  readonly server: DurableStreamTestServer;
  stop(): Promise<void>;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const server = new DurableStreamTestServer({
    host: "127.0.0.1",
    port: options.port ?? 0,
    longPollTimeout: options.longPollTimeout ?? 500,
    compression: options.compression ?? true,
  });
  const url = await server.start();
  return { url, server, stop: () => server.stop() };
}

/**
 * Starts one reference server for the enclosing test file and returns an
 * accessor (the server exists only once `beforeAll` ran).
 */
export function sharedTestServer(options: TestServerOptions = {}): () => TestServer {
  let current: TestServer | undefined;
  beforeAll(async () => {
    current = await startTestServer(options);
  });
  afterAll(async () => {
    await current?.stop();
  });
  return () => {
    if (!current) throw new Error("test server not started yet");
    return current;
  };
}

let streamCounter = 0;

/** A fresh stream path for one test. */
export function uniquePath(label = "s"): string {
  streamCounter++;
  return `/test/${label}-${process.pid}-${Date.now().toString(36)}-${streamCounter}`;
}

/** A client on the test server with fast retries, so fault tests do not wait long. */
export function testClient(
  server: TestServer,
  options: DurableStreamClientOptions = {},
): DurableStreamClient {
  return new DurableStreamClient({
    baseUrl: server.url,
    retry: { maxRetries: 3, initialDelayMs: 5, maxDelayMs: 50, multiplier: 2 },
    ...options,
  });
}
