// @vitest-environment node
import { describe, expect, it } from "vitest";
import { DurableStreamClient, type FetchFunction } from "../../src/client/index.js";
import { delay } from "../support/read-helpers.js";

/**
 * Answers the protocol gives no body (create, append, delete) are not read.
 * The reference server never sends a body with them, so a mocked fetch stands
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

  it("leaves a short body alone and does not wait for it", async () => {
    const { stream, seen } = answering(201, new TextEncoder().encode("{}"), {
      "content-length": "2",
    });
    expect((await stream.create()).offset).toBe("0000000000000000_0000000000000001");
    await stream.delete();
    await delay(10);
    expect(seen.responses).toHaveLength(2);
    expect(seen.responses.map((response) => response.bodyUsed)).toEqual([false, false]);
    expect(seen.cancelled).toBe(false);
  });
});
