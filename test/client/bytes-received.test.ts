import { describe, expect, it } from "vitest";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";

const server = sharedTestServer();

describe("StreamResponse.bytesReceived", () => {
  it("counts the body bytes of catch-up and long-poll answers", async () => {
    const client = testClient(server(), { warnOnHttp: false });
    const stream = client.stream(uniquePath("bytes-lp"));
    await stream.create({ contentType: "text/plain" });
    await stream.append("hello");
    const controller = new AbortController();
    const response = await stream.read({ live: "long-poll", signal: controller.signal });
    expect(response.bytesReceived).toBe(0);
    const chunks = response.textChunks()[Symbol.asyncIterator]();
    expect((await chunks.next()).value?.text).toBe("hello");
    expect(response.bytesReceived).toBe(5);
    await stream.append(" world");
    expect((await chunks.next()).value?.text).toBe(" world");
    expect(response.bytesReceived).toBe(11);
    controller.abort();
  });

  it("counts an SSE connection's bytes as sent, framing included", async () => {
    const client = testClient(server(), { warnOnHttp: false });
    const stream = client.stream(uniquePath("bytes-sse"));
    await stream.create({ contentType: "text/plain" });
    const controller = new AbortController();
    const response = await stream.read({ live: "sse", offset: "now", signal: controller.signal });
    const chunks = response.textChunks()[Symbol.asyncIterator]();
    await stream.append("token");
    let text = "";
    while (text !== "token") text += (await chunks.next()).value?.text ?? "";
    // The event lines and the control event come with the five bytes of data.
    expect(response.bytesReceived).toBeGreaterThan(5);
    const before = response.bytesReceived;
    await stream.append("more");
    text = "";
    while (text !== "more") text += (await chunks.next()).value?.text ?? "";
    expect(response.bytesReceived).toBeGreaterThan(before + 4);
    controller.abort();
  });
});
