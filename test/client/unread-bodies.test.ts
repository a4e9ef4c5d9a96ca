// @vitest-environment node
import { describe, expect, it } from "vitest";
import { DurableStreamClient, type FetchFunction } from "../../src/client/index.js";
import { delay } from "../support/read-helpers.js";

/**
 * Answers the protocol gives no body (create, append, delete) are read to
 * their end in the background, never awaited, and cut when long. The
 * reference server never sends a body with them, so a mocked fetch stands
 * in for a server (or proxy) that does.
 */
describe("bodies of answers the client does not read", () => {
  function answering(status: number, body: Uint8Array, headers: Record<string, string>) {
    const seen = { cancelled: false, responses: [] as Response[] };
    const fetch: FetchFunction = async () => {
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.enqueue(body);
          controller.close();
        },
        cancel() {
          seen.cancelled = true;
        },
      });
      const response = new Response(stream, {
        status,
        headers: { "stream-next-offset": "0000000000000000_0000000000000001", ...headers },
      });
      seen.responses.push(response);
      return response;
    };
    const client = new DurableStreamClient({ baseUrl: "http://127.0.0.1:9", fetch });
    return { stream: client.stream("/s", { contentType: "text/plain" }), seen };
  }

  it("cancels a long body, so that it does not hold its connection", async () => {
    const body = new Uint8Array(1 << 20);
    const { stream, seen } = answering(201, body, { "content-length": String(body.length) });
    const result = await stream.create();
    expect(result.created).toBe(true);
    await expect.poll(() => seen.cancelled).toBe(true);
  });

  it("reads a short body to its end in the background, so the request finishes", async () => {
    const { stream, seen } = answering(201, new TextEncoder().encode("{}"), {
      "content-length": "2",
    });
    expect((await stream.create()).offset).toBe("0000000000000000_0000000000000001");
    await stream.delete();
    expect(seen.responses).toHaveLength(2);
    await expect
      .poll(() => seen.responses.map((response) => response.bodyUsed))
      .toEqual([true, true]);
    expect(seen.cancelled).toBe(false);
  });

  it("does not wait for a body that never ends, and cuts one without a length past 64 KiB", async () => {
    let pulls = 0;
    let cancelled = false;
    const endless = (chunk: Uint8Array | undefined) =>
      new ReadableStream<Uint8Array>({
        pull(controller) {
          pulls++;
          // Without a chunk, the body never sends anything: pull never settles.
          if (chunk) controller.enqueue(chunk);
          else return new Promise<void>(() => {});
        },
        cancel() {
          cancelled = true;
        },
      });
    const answers = [endless(undefined), endless(new Uint8Array(16 * 1024))];
    const fetch: FetchFunction = async () =>
      new Response(answers.shift()!, {
        status: 201,
        headers: { "stream-next-offset": "0000000000000000_0000000000000001" },
      });
    const client = new DurableStreamClient({ baseUrl: "http://127.0.0.1:9", fetch });
    // The first create resolves though its body never ends.
    expect((await client.stream("/a", { contentType: "text/plain" }).create()).created).toBe(true);
    await client.stream("/b", { contentType: "text/plain" }).create();
    await expect.poll(() => cancelled).toBe(true);
    // 16 KiB a pull: cut after the fifth chunk, not read on without end.
    await delay(20);
    expect(pulls).toBeLessThan(12);
  });
});
