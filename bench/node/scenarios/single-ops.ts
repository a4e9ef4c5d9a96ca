/**
 * Scenario 4: one plain append of 100 B to an existing stream, and one
 * create. Samples alternate between contenders, so load that comes and goes on
 * the machine hits them all alike.
 */
import { MESSAGE_BYTES } from "../config.js";
import { Unsupported, type ContenderName } from "../contenders/types.js";
import {
  BYTES_TYPE,
  createStream,
  deleteStream,
  patternBytes,
  streamExists,
  uniqueUrl,
  verifyByteLength,
} from "../fixtures.js";
import { median, now } from "../stats.js";
import { attempt, type BenchEnv, type RoundValues, type Scenario } from "./types.js";

const payload = patternBytes(MESSAGE_BYTES);

/**
 * Runs `sample(name, i)` for i = -1 (uncounted warm-up) .. samples-1, cycling
 * through the contenders; returns each one's median.
 */
async function interleaved(
  order: readonly ContenderName[],
  env: BenchEnv,
  sample: (name: ContenderName, index: number) => Promise<number>,
): Promise<RoundValues> {
  const values: RoundValues = {};
  const samples = new Map<ContenderName, number[]>();
  for (const name of order) {
    const warm = await attempt(name, () => sample(name, -1));
    if (warm instanceof Unsupported) values[name] = warm;
    else samples.set(name, []);
  }
  for (let i = 0; i < env.sizes.singleOpSamples; i++) {
    if (i % 50 === 0) env.gc();
    for (const [name, list] of samples) list.push(await sample(name, i));
  }
  for (const [name, list] of samples) values[name] = { value: median(list) };
  return values;
}

export const appendLatency: Scenario = {
  id: "append",
  group: "single",
  label: () => "single append, 100 B",
  unit: "ms",
  method:
    "median of one awaited append per sample (after one uncounted append); stream length checked after",
  async measureRound(order, env) {
    const urls = new Map<ContenderName, string>();
    for (const name of order) {
      const url = uniqueUrl(env.baseUrl, `append-${name}`);
      await createStream(url, BYTES_TYPE);
      urls.set(name, url);
    }
    const values = await interleaved(order, env, async (name) => {
      const start = now();
      await env.contenders[name].appendBytes(urls.get(name)!, payload);
      return now() - start;
    });
    for (const [name, url] of urls) {
      // Every contender that measured must have appended exactly its samples.
      const value = values[name];
      if (value !== undefined && !(value instanceof Unsupported)) {
        await verifyByteLength(url, (env.sizes.singleOpSamples + 1) * MESSAGE_BYTES);
      }
      await deleteStream(url);
    }
    return values;
  },
};

export const createLatency: Scenario = {
  id: "create",
  group: "single",
  label: () => "create stream (fresh URL each)",
  unit: "ms",
  method:
    "median of one awaited create per sample, each on a fresh URL; each checked with HEAD after",
  async measureRound(order, env) {
    const created: string[] = [];
    const values = await interleaved(order, env, async (name) => {
      const url = uniqueUrl(env.baseUrl, `create-${name}`);
      const start = now();
      await env.contenders[name].create(url, BYTES_TYPE);
      const elapsed = now() - start;
      created.push(url);
      return elapsed;
    });
    for (const url of created) {
      if (!(await streamExists(url))) throw new Error(`create did not create ${url}`);
      await deleteStream(url);
    }
    return values;
  },
};
