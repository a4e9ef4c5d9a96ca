import { setTimeout as sleep } from "node:timers/promises";
import type { IdempotentProducer } from "../../src/client/index.js";
import { epochNow, token } from "./protocol.js";

/** How the tokens are paced. */
export interface Pace {
  /** Tokens per second. */
  rate: number;
  seconds: number;
  /** Milliseconds between bursts. */
  burstEveryMs: number;
}

/** What the writer did; times are epoch milliseconds. */
export interface WriteResult {
  written: number;
  startedAt: number;
  /** When the last `append()` returned: the tail latency starts here. */
  lastAppendAt: number;
  /** When `flush()` resolved: every token acknowledged by the server. */
  flushedAt: number;
  /** The longest pause between two bursts: a busy event loop shows here. */
  longestBurstGapMs: number;
}

/**
 * Appends `rate * seconds` tokens, paced evenly: every `burstEveryMs` it
 * appends as many tokens as are due by then, so a late timer is caught up
 * rather than stretching the run.
 */
export async function writeTokens(producer: IdempotentProducer, pace: Pace): Promise<WriteResult> {
  const total = Math.round(pace.rate * pace.seconds);
  const startedAt = epochNow();
  let written = 0;
  let previousBurst = startedAt;
  let longestBurstGapMs = 0;
  while (written < total) {
    const now = epochNow();
    longestBurstGapMs = Math.max(longestBurstGapMs, now - previousBurst);
    previousBurst = now;
    const due = Math.min(total, Math.floor(((now - startedAt) / 1000) * pace.rate) + 1);
    for (; written < due; written++) producer.append(token(written));
    if (written < total) await sleep(pace.burstEveryMs);
  }
  const lastAppendAt = epochNow();
  await producer.flush();
  return { written, startedAt, lastAppendAt, flushedAt: epochNow(), longestBurstGapMs };
}
