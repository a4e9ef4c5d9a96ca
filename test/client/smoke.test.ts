// @vitest-environment node
import { describe, expect, it } from "vitest";
import { Offset } from "../../src/client/index.js";
import { testClient, uniquePath, sharedTestServer } from "../support/server.js";

const server = sharedTestServer();

describe("smoke", () => {
  it("creates, appends and reads JSON in every live mode", async () => {
    const client = testClient(server());
    const path = uniquePath();
    const stream = client.stream(path);
    expect(await stream.create({ contentType: "application/json" })).toMatchObject({
      created: true,
    });
    await stream.appendJson({ a: 1 });
    await stream.appendJson([1, 2]);
    const res = await stream.read({ offset: Offset.beginning });
    expect(await res.json()).toEqual([{ a: 1 }, [1, 2]]);
    for (const live of ["long-poll", "sse", "auto"] as const) {
      const r = await stream.read({ live });
      expect(await r.json()).toEqual([{ a: 1 }, [1, 2]]);
    }
  });

  it("tails with SSE", async () => {
    const client = testClient(server());
    const path = uniquePath();
    const stream = client.stream(path);
    await stream.create({ contentType: "text/plain" });
    await stream.append("hello ");
    const res = await stream.read({ live: "sse" });
    const seen: string[] = [];
    setTimeout(() => void stream.append("world"), 100);
    setTimeout(() => void stream.close(), 300);
    for await (const chunk of res.textChunks()) {
      seen.push(chunk.text);
      if (chunk.closed) break;
    }
    expect(seen.join("")).toBe("hello world");
    expect(res.closed).toBe(true);
  });
});
