// @vitest-environment node
import { describe, expect, it } from "vitest";
import {
  InvalidArgumentError,
  StaleEpochError,
  type DurableStreamError,
} from "../../src/client/index.js";
import type { Batch } from "../../src/client/producer-batch.js";
import { producerDispatcher } from "../../src/client/producer-dispatcher.js";
import { producerListeners } from "../../src/client/producer-listeners.js";
import {
  resolveProducerSettings,
  type ProducerOptions,
} from "../../src/client/producer-options.js";
import type { ProducerOutcome } from "../../src/client/producer-send.js";
import { epochSequencer } from "../../src/client/producer-sequencer.js";

// The dispatcher with a fake `send` in place of HTTP: what goes out in which
// order, and what each answer does to the batches and the buffer. The
// behaviour against the real server is in the other producer tests.

const url = "http://127.0.0.1:1/s";
const decoder = new TextDecoder();

interface Sent {
  epoch: number;
  seq: number;
  body: string;
  answer(outcome: ProducerOutcome): void;
}

/** A dispatcher whose requests wait in `sent` until the test answers them. */
function dispatcherWithFakeSend(options: ProducerOptions, json: boolean | undefined = false) {
  const sent: Sent[] = [];
  const errors: DurableStreamError[] = [];
  const listeners = producerListeners("fake-1");
  listeners.on("error", (error: DurableStreamError) => errors.push(error));
  const format = {
    json,
    known: () => {
      format.json = true;
      return Promise.resolve();
    },
  };
  const seq = epochSequencer(0);
  const settings = resolveProducerSettings("fake-1", { lingerMs: 0, ...options });
  const send = (batch: Batch) =>
    new Promise<ProducerOutcome>((answer) => {
      const { epoch, seq, body } = batch;
      sent.push({ epoch, seq, body: decoder.decode(body), answer });
    });
  const codec = { parse: JSON.parse, stringify: JSON.stringify };
  const config = { url, settings, seq, format, listeners, codec, maxRetries: 3, send };
  const { buffer, results } = producerDispatcher(config);
  return { sent, errors, seq, buffer, results };
}

const stored = (offset: string): ProducerOutcome => ({ kind: "ok", offset, duplicate: false });
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe("producerDispatcher with a fake send", () => {
  it("sends a new epoch's first batch alone, then pipelines; acknowledgements free the buffer", async () => {
    const { sent, buffer, results } = dispatcherWithFakeSend({ maxBatchItems: 1 });
    for (const message of ["a", "b", "c"]) buffer.add(message, false);
    await settle();
    expect(sent.map(({ seq, body }) => [seq, body])).toEqual([[0, "a"]]);
    expect(buffer.messages).toBe(3);

    sent[0]!.answer(stored("0001"));
    await settle();
    expect(sent.map(({ seq, body }) => [seq, body])).toEqual([
      [0, "a"],
      [1, "b"],
      [2, "c"],
    ]);
    sent[2]!.answer(stored("0003"));
    sent[1]!.answer(stored("0002"));
    await buffer.flush();
    expect(results.lastOffset).toBe("0003"); // never moves backwards
    expect([buffer.messages, buffer.bytes, buffer.inFlight.size]).toEqual([0, 0, 0]);
  });

  it("claims a new epoch when fenced with autoClaim, and resends the batch in it", async () => {
    const { sent, seq, buffer, results } = dispatcherWithFakeSend({ autoClaim: true });
    buffer.add("a", false);
    await settle();
    sent[0]!.answer({ kind: "refused", error: new StaleEpochError(url, 4) });
    await settle();
    expect(seq.epoch).toBe(5);
    expect(sent.map(({ epoch, seq }) => [epoch, seq])).toEqual([
      [0, 0],
      [5, 0],
    ]);
    sent[1]!.answer(stored("0001"));
    await buffer.flush();
    expect(results.stopReason).toBeUndefined();
  });

  it("halts when fenced without autoClaim: the batch and everything queued fail, once each", async () => {
    const { sent, errors, buffer, results } = dispatcherWithFakeSend({ maxBatchItems: 1 });
    buffer.add("a", false);
    buffer.add("b", false);
    await settle();
    const fenced = new StaleEpochError(url, 4);
    sent[0]!.answer({ kind: "refused", error: fenced });
    await expect(buffer.flush()).rejects.toBe(fenced);
    expect(results.stopReason).toBe(fenced);
    expect(errors).toEqual([fenced, fenced]);
    expect(sent).toHaveLength(1);
  });

  it("resends a batch that arrived early once its predecessor is stored", async () => {
    const { sent, buffer } = dispatcherWithFakeSend({ maxBatchItems: 1 });
    buffer.add("a", false);
    await settle();
    sent[0]!.answer(stored("0001"));
    buffer.add("b", false);
    buffer.add("c", false);
    await settle();
    expect(sent.map(({ seq }) => seq)).toEqual([0, 1, 2]);

    sent[2]!.answer({ kind: "early", expectedSeq: 1, receivedSeq: 2 });
    await settle();
    expect(sent).toHaveLength(3); // waits for sequence 1
    sent[1]!.answer(stored("0002"));
    await settle();
    expect(sent.map(({ seq }) => seq)).toEqual([0, 1, 2, 2]);
    sent[3]!.answer(stored("0003"));
    await buffer.flush();
  });

  it("waits for the content type, then fails a batch it cannot encode before it takes a sequence", async () => {
    const { sent, errors, seq, buffer } = dispatcherWithFakeSend({}, undefined);
    // Held raw while the content type is unknown; on a JSON stream it has no JSON text.
    buffer.add(() => "not JSON", undefined);
    await expect(buffer.flush()).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(errors).toHaveLength(1);
    expect([sent.length, seq.nextSeq]).toEqual([0, 0]);
  });
});
