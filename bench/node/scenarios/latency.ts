/**
 * Scenario 2: append-to-delivery latency. Each contender's live reader
 * follows its own fresh JSON stream; the same contender appends one ~100 B
 * message and the clock runs from the append call until its reader hands that
 * message over. Samples alternate between contenders, so load that comes and
 * goes on the machine hits them all alike.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { DELIVERY_TIMEOUT_MS } from "../config.js";
import {
  Unsupported,
  type ContenderName,
  type LiveMode,
  type LiveReader,
} from "../contenders/types.js";
import { JSON_TYPE, benchMessage, createStream, messageId, uniqueUrl } from "../fixtures.js";
import { median, now } from "../stats.js";
import { attempt, type BenchEnv, type RoundValues, type Scenario } from "./types.js";

/** Idle time before each append, so that the reader is back in its live request. */
const SETTLE_MS = 5;

/** Records every delivered message id; resolves the one being waited for with its arrival time. */
class DeliveryWatch {
  readonly delivered: number[] = [];
  private waiting: { id: number; resolve: (at: number) => void } | undefined;

  onMessage = (item: unknown): void => {
    const at = now();
    const id = messageId(item);
    this.delivered.push(id);
    if (this.waiting?.id === id) {
      this.waiting.resolve(at);
      this.waiting = undefined;
    }
  };

  expect(id: number): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`message ${id} not delivered within ${DELIVERY_TIMEOUT_MS} ms`)),
        DELIVERY_TIMEOUT_MS,
      );
      this.waiting = {
        id,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      };
    });
  }
}

interface Session {
  name: ContenderName;
  url: string;
  watch: DeliveryWatch;
  reader: LiveReader;
  samples: number[];
}

async function measureLatency(
  order: readonly ContenderName[],
  env: BenchEnv,
  mode: LiveMode,
): Promise<RoundValues> {
  const values: RoundValues = {};
  const sessions: Session[] = [];
  try {
    for (const name of order) {
      const url = uniqueUrl(env.baseUrl, `latency-${mode}-${name}`);
      // Left in place afterwards (it is tiny): deleting it at once races with the
      // server noticing the reader's disconnect, and the server then logs
      // ERR_HTTP_HEADERS_SENT (upstream's cancelled SSE request can still be open).
      await createStream(url, JSON_TYPE);
      const watch = new DeliveryWatch();
      const reader = await attempt(name, () =>
        env.contenders[name].follow(url, mode, watch.onMessage),
      );
      if (reader instanceof Unsupported) values[name] = reader;
      else sessions.push({ name, url, watch, reader, samples: [] });
    }
    // Message 0 is a warm-up (it opens connections); the others are samples.
    const total = env.sizes.latencySamples + 1;
    for (let id = 0; id < total; id++) {
      // A full collection costs more than a sample; now and then is enough (medians shrug off the rest).
      if (id % 25 === 0) env.gc();
      for (const session of sessions) {
        await sleep(SETTLE_MS);
        const delivered = session.watch.expect(id);
        const start = now();
        await env.contenders[session.name].appendJson(session.url, benchMessage(id));
        const at = await delivered.catch((error: unknown) => {
          throw new Error(`${session.name} ${mode}`, { cause: error });
        });
        if (id > 0) session.samples.push(at - start);
      }
    }
  } finally {
    for (const session of sessions) await session.reader.stop();
  }
  const total = env.sizes.latencySamples + 1;
  for (const { name, watch, samples } of sessions) {
    const inOrder = watch.delivered.length === total && watch.delivered.every((id, i) => id === i);
    if (!inOrder) {
      throw new Error(
        `${name} ${mode} delivered ${watch.delivered.length} messages, expected 0..${total - 1} in order`,
      );
    }
    values[name] = { value: median(samples) };
  }
  return values;
}

export const latencyLongPoll: Scenario = {
  id: "latency-long-poll",
  group: "latency",
  label: () => "append->delivery, long-poll (JSON)",
  unit: "ms",
  method:
    "median of per-sample times from the append call until the live reader hands the message over; " +
    "samples alternate between contenders",
  measureRound: (order, env) => measureLatency(order, env, "long-poll"),
};

export const latencySse: Scenario = {
  id: "latency-sse",
  group: "latency",
  label: () => "append->delivery, SSE (JSON)",
  unit: "ms",
  method: "as long-poll, the reader holding an SSE connection",
  measureRound: (order, env) => measureLatency(order, env, "sse"),
};
