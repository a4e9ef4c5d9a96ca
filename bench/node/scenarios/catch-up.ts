/** Scenario 1: catch-up read from the beginning to up to date (live off). */
import { timed } from "../stats.js";
import { CLIENT_CPU, oneAfterAnother, type Scenario } from "./types.js";

export const catchUpJson: Scenario = {
  id: "catch-up-json",
  group: "catch-up",
  label: (sizes) => `catch-up JSON, ${sizes.jsonMessages.toLocaleString("en")} msgs x 100 B`,
  unit: "ms",
  secondary: CLIENT_CPU,
  method: "time to visit every message from offset -1 to up to date",
  measureRound: oneAfterAnother(async (name, env) => {
    const url = await env.fixture("json");
    env.gc();
    const { result: count, wallMs, cpuMs } = await timed(() => env.contenders[name].readJson(url));
    if (count !== env.sizes.jsonMessages) {
      throw new Error(`${name} read ${count} messages, expected ${env.sizes.jsonMessages}`);
    }
    return { value: wallMs, secondary: cpuMs };
  }),
};

export const catchUpBytes: Scenario = {
  id: "catch-up-bytes",
  group: "catch-up",
  label: (sizes) => `catch-up octet-stream, ${sizes.binaryBytes / (1 << 20)} MiB`,
  unit: "ms",
  secondary: CLIENT_CPU,
  method: "time to receive every byte from offset -1 to up to date",
  measureRound: oneAfterAnother(async (name, env) => {
    const url = await env.fixture("binary");
    env.gc();
    const { result: bytes, wallMs, cpuMs } = await timed(() => env.contenders[name].readBytes(url));
    if (bytes !== env.sizes.binaryBytes) {
      throw new Error(`${name} read ${bytes} bytes, expected ${env.sizes.binaryBytes}`);
    }
    return { value: wallMs, secondary: cpuMs };
  }),
};
