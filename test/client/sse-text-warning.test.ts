import { afterEach, describe, expect, it, vi } from "vitest";
import { resetSseTextWarnings } from "../../src/client/sse-text-warning.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";

const server = sharedTestServer();

afterEach(() => {
  vi.restoreAllMocks();
  resetSseTextWarnings();
});

/** Opens a read and stops it once the first response is in (the warning is decided there). */
async function openAndStop(url: string, live: "sse" | "auto" | "long-poll"): Promise<void> {
  const res = await testClient(server(), { warnOnHttp: false }).stream(url).read({ live });
  res.cancel();
}

async function streamOf(contentType: string): Promise<string> {
  const url = uniquePath("sse-warning");
  await testClient(server()).stream(url).create({ contentType });
  return url;
}

const sseWarnings = (warn: { mock: { calls: unknown[][] } }) =>
  warn.mock.calls.filter((call) => String(call[0]).includes('live: "sse"'));

describe('live: "sse" on a text stream', () => {
  it("warns once per stream URL that SSE cannot carry text exactly", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const url = await streamOf("text/plain");
    await openAndStop(url, "sse");
    await openAndStop(url, "sse");
    expect(sseWarnings(warn)).toHaveLength(1);
    expect(String(sseWarnings(warn)[0]![0])).toContain(url);
    await openAndStop(await streamOf("text/markdown; charset=utf-8"), "sse");
    expect(sseWarnings(warn)).toHaveLength(2);
  });

  it("does not warn for JSON or binary streams, nor for text read with auto or long-poll", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    await openAndStop(await streamOf("application/json"), "sse");
    await openAndStop(await streamOf("application/octet-stream"), "sse");
    const text = await streamOf("text/plain");
    await openAndStop(text, "auto");
    await openAndStop(text, "long-poll");
    expect(sseWarnings(warn)).toEqual([]);
  });
});
