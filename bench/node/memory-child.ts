/**
 * Child process of the memory scenario: one contender iterates the binary
 * stream while RSS is sampled, in a process of its own so that no other
 * contender's heap or buffers are counted.
 *
 *   node --import tsx --expose-gc bench/node/memory-child.ts <contender> <url> <expected bytes>
 *
 * Prints one JSON line (`MemoryReport`); exits non-zero if the byte count is wrong.
 */
import { isContenderName, makeContender } from "./contenders/index.js";
import { MIB } from "./config.js";
import { BYTES_TYPE, createStream, deleteStream, patternBytes, postBody } from "./fixtures.js";

export interface MemoryReport {
  bytes: number;
  /** Peak RSS during the iteration minus RSS just before it, MiB. */
  rssMiB: number;
  /** Peak of heapUsed + external (Buffers and ArrayBuffers) minus its baseline, MiB. */
  heapExternalMiB: number;
}

const [name, url, expectedText] = process.argv.slice(2);
if (!isContenderName(name) || url === undefined || !url.startsWith("http://127.0.0.1:")) {
  throw new Error(`usage: memory-child.ts <ours|upstream|fetch> <loopback url> <bytes>`);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("memory-child needs --expose-gc");
const expected = Number(expectedText);
const contender = makeContender(name);

// Warm up on a small stream of its own first, so that loading and compiling
// code (undici's and the client's) is not counted as memory used by the read.
const warmUrl = `${url}-warm-${process.pid}`;
await createStream(warmUrl, BYTES_TYPE);
await postBody(warmUrl, patternBytes(256 << 10), BYTES_TYPE);
for (let i = 0; i < 3; i++) await contender.readBytes(warmUrl);
await deleteStream(warmUrl);
gc();
gc();

const heapExternal = () => {
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.external;
};
const baselineRss = process.memoryUsage.rss();
const baselineHeap = heapExternal();
const maxRssBefore = process.resourceUsage().maxRSS * 1024;
let peakRss = baselineRss;
let peakHeap = baselineHeap;
const sampleRss = () => {
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) peakRss = rss;
};
const sampleAll = () => {
  sampleRss();
  const heap = heapExternal();
  if (heap > peakHeap) peakHeap = heap;
};
// Sampled per chunk and on a timer; the kernel's high-water mark catches what falls between.
const timer = setInterval(sampleAll, 2);
const bytes = await contender.readBytes(url, sampleRss);
clearInterval(timer);
sampleAll();
const maxRssAfter = process.resourceUsage().maxRSS * 1024;
// The high-water mark only speaks for the iteration if the iteration raised it.
if (maxRssAfter > maxRssBefore) peakRss = Math.max(peakRss, maxRssAfter);

const report: MemoryReport = {
  bytes,
  rssMiB: (peakRss - baselineRss) / MIB,
  heapExternalMiB: (peakHeap - baselineHeap) / MIB,
};
process.stdout.write(`${JSON.stringify(report)}\n`);
if (bytes !== expected) {
  process.stderr.write(`${name} read ${bytes} bytes, expected ${expected}\n`);
  process.exitCode = 1;
}
