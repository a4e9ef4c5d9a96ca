/** Scenario 5: peak memory while iterating the binary stream, one child process per measurement. */
import { collectOutput, spawnTsx } from "../child-process.js";
import type { MemoryReport } from "../memory-child.js";
import { oneAfterAnother, type Scenario } from "./types.js";

export const peakMemory: Scenario = {
  id: "memory",
  group: "memory",
  label: (sizes) => `peak RSS iterating ${sizes.binaryBytes / (1 << 20)} MiB octet-stream`,
  unit: "MiB",
  secondary: { id: "heap", label: "  same, JS heap + external (buffers)", unit: "MiB" },
  method:
    "in a child process per contender, after three reads of a 256 KiB stream to warm up: peak RSS " +
    "during the byte iteration minus RSS just before it (sampled per chunk and every 2 ms, plus the " +
    "kernel's maxRSS when the iteration raised it); the second row is the same for V8 heapUsed + " +
    "external (ArrayBuffers and Buffers), sampled every 2 ms",
  measureRound: oneAfterAnother(async (name, env) => {
    const url = await env.fixture("binary");
    const child = spawnTsx(
      "memory-child.ts",
      [name, url, String(env.sizes.binaryBytes)],
      ["--expose-gc"],
    );
    child.stdin?.end();
    const output = await collectOutput(child, `memory child (${name})`);
    const lines = output.trim().split("\n");
    const report = JSON.parse(lines[lines.length - 1]!) as MemoryReport;
    if (report.bytes !== env.sizes.binaryBytes) {
      throw new Error(`${name} read ${report.bytes} bytes, expected ${env.sizes.binaryBytes}`);
    }
    return { value: report.rssMiB, secondary: report.heapExternalMiB };
  }),
};
