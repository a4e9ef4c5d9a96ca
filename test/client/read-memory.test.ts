// @vitest-environment node
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import v8 from "node:v8";
import vm from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DurableStreamClient } from "../../src/client/index.js";
import { patternBytes } from "../support/read-helpers.js";
import { uniquePath } from "../support/server.js";

/*
 * The reference server runs in a child process here: in this process it would
 * build each response (64 MiB, copied twice) next to the reader and swamp the
 * measurement. What is measured is the reader alone.
 */
const SERVER_SCRIPT = `
import { DurableStreamTestServer } from "@durable-streams/server";
const server = new DurableStreamTestServer({ host: "127.0.0.1", port: 0, longPollTimeout: 500, compression: false });
const url = await server.start();
process.stdout.write(url + "\\n");
process.stdin.on("end", () => server.stop().finally(() => process.exit(0)));
process.stdin.resume();
`;

let child: ChildProcess | undefined;
let serverUrl = "";

beforeAll(async () => {
  child = spawn(process.execPath, ["--input-type=module", "-e", SERVER_SCRIPT], {
    cwd: process.cwd(),
    stdio: ["pipe", "pipe", "inherit"],
  });
  let output = "";
  child.stdout!.setEncoding("utf8");
  while (!output.includes("\n")) {
    const [piece] = (await Promise.race([
      once(child.stdout!, "data"),
      once(child, "exit").then(() => {
        throw new Error("the server process exited");
      }),
    ])) as [string];
    output += piece;
  }
  serverUrl = output.trim();
});

afterAll(async () => {
  if (!child || child.exitCode !== null) return;
  const exited = once(child, "exit");
  child.stdin!.end();
  const timer = setTimeout(() => child?.kill(), 5_000);
  await exited;
  clearTimeout(timer);
});

/** A full garbage collection: `global.gc` if exposed, else the V8 flag switched on here. */
function collector(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  v8.setFlagsFromString("--expose-gc");
  return vm.runInNewContext("gc") as () => void;
}

const MiB = 1 << 20;
const APPENDS = 64;

describe("streaming memory", () => {
  it("reads a 64 MiB binary stream piece by piece, memory staying well below its size", async () => {
    const client = new DurableStreamClient({ baseUrl: serverUrl, warnOnHttp: false });
    const stream = client.stream(uniquePath("big"));
    await stream.create({ contentType: "application/octet-stream" });
    // Append n is the block XOR n, so every position has a known, checkable value.
    const block = patternBytes(MiB, 7);
    for (let n = 0; n < APPENDS; n++) {
      const part = new Uint8Array(MiB);
      for (let i = 0; i < MiB; i++) part[i] = block[i]! ^ n;
      await stream.append(part);
    }

    const gc = collector();
    gc();
    const baseline = process.memoryUsage();
    let peakArrayBuffers = 0;
    let peakRss = 0;
    let position = 0;
    let chunks = 0;
    let mismatches = 0;

    const res = await stream.read();
    for await (const chunk of res.byteChunks()) {
      // Measured while the reader holds its place mid-stream, after a collection.
      gc();
      const usage = process.memoryUsage();
      peakArrayBuffers = Math.max(peakArrayBuffers, usage.arrayBuffers);
      peakRss = Math.max(peakRss, usage.rss);
      const data = chunk.data;
      for (let i = 0; i < data.length;) {
        const n = Math.floor(position / MiB);
        const start = position % MiB;
        const count = Math.min(data.length - i, MiB - start);
        for (let k = 0; k < count; k++) if (data[i + k] !== (block[start + k]! ^ n)) mismatches++;
        i += count;
        position += count;
      }
      chunks++;
    }

    const arrayBufferGrowth = (peakArrayBuffers - baseline.arrayBuffers) / MiB;
    const rssGrowth = (peakRss - baseline.rss) / MiB;
    console.log(
      `growth: arrayBuffers ${arrayBufferGrowth.toFixed(1)} MiB, rss ${rssGrowth.toFixed(1)} MiB`,
    );
    expect(position).toBe(APPENDS * MiB);
    expect(mismatches).toBe(0);
    expect(res.upToDate).toBe(true);
    // One response, handed on in pieces (64 KiB each).
    expect(chunks).toBeGreaterThanOrEqual(APPENDS / 2);
    expect(arrayBufferGrowth).toBeLessThan(40);
    expect(rssGrowth).toBeLessThan(40);
  });
});
