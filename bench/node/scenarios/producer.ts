/**
 * Scenario 3: producer throughput, from the first append until everything is
 * acknowledged (flush). The stream is read back outside the clock.
 */
import { MESSAGE_BYTES, MIB, type Sizes } from "../config.js";
import type { ContenderName, ProducerWorkload } from "../contenders/types.js";
import {
  BYTES_TYPE,
  JSON_TYPE,
  createStream,
  deleteStream,
  patternBytes,
  uniqueUrl,
  verifyByteLength,
  verifyJsonSequence,
} from "../fixtures.js";
import { timed } from "../stats.js";
import {
  CLIENT_CPU,
  oneAfterAnother,
  type BenchEnv,
  type Measured,
  type Scenario,
} from "./types.js";

const smallPayload = patternBytes(MESSAGE_BYTES);
const largePayload = patternBytes(MIB);

async function measureProducer(
  name: ContenderName,
  env: BenchEnv,
  workload: ProducerWorkload,
): Promise<Measured> {
  const url = uniqueUrl(env.baseUrl, `producer-${workload.kind}-${name}`);
  await createStream(url, workload.kind === "json" ? JSON_TYPE : BYTES_TYPE);
  const prepared = await env.contenders[name].prepareProduce(url, workload);
  env.gc();
  const { wallMs, cpuMs } = await timed(() => prepared.run());
  await prepared.dispose();
  if (workload.kind === "json") await verifyJsonSequence(url, workload.count);
  else await verifyByteLength(url, workload.count * workload.payload.length);
  await deleteStream(url);
  return { value: wallMs, secondary: cpuMs };
}

function small(sizes: Sizes): string {
  return `${sizes.producerSmallMessages.toLocaleString("en")} x 100 B`;
}

export const producerSmall: Scenario = {
  id: "producer-small",
  group: "producer",
  label: (sizes) => `producer ${small(sizes)}, octet-stream`,
  unit: "ms",
  secondary: CLIENT_CPU,
  method: "time from the first append until flush() resolves",
  measureRound: oneAfterAnother((name, env) =>
    measureProducer(name, env, {
      kind: "bytes",
      count: env.sizes.producerSmallMessages,
      payload: smallPayload,
    }),
  ),
};

export const producerJson: Scenario = {
  id: "producer-json",
  group: "producer",
  label: (sizes) => `producer ${small(sizes)}, JSON`,
  unit: "ms",
  secondary: CLIENT_CPU,
  method: "as above; ours appends the objects, upstream their JSON.stringify (its API takes text)",
  measureRound: oneAfterAnother((name, env) =>
    measureProducer(name, env, { kind: "json", count: env.sizes.producerSmallMessages }),
  ),
};

export const producerLarge: Scenario = {
  id: "producer-large",
  group: "producer",
  label: (sizes) => `producer ${sizes.producerLargeMessages} x 1 MiB, octet-stream`,
  unit: "ms",
  secondary: CLIENT_CPU,
  method: "as above",
  measureRound: oneAfterAnother((name, env) =>
    measureProducer(name, env, {
      kind: "bytes",
      count: env.sizes.producerLargeMessages,
      payload: largePayload,
    }),
  ),
};
