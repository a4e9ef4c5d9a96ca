// @vitest-environment node
import { describe, expect, it } from "vitest";
import {
  IdempotentProducer,
  DurableStreamClient,
  InvalidArgumentError,
  type ProducerOptions,
} from "../../src/client/index.js";

/** A client whose fetch fails the test if called: validation happens before any I/O. */
function offlineStream() {
  const client = new DurableStreamClient({
    baseUrl: "http://127.0.0.1:9",
    fetch: () => {
      throw new Error("no request expected while validating options");
    },
  });
  return client.stream("/validate", { contentType: "text/plain" });
}

function invalidArgument(make: () => unknown): InvalidArgumentError {
  try {
    make();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidArgumentError);
    return error as InvalidArgumentError;
  }
  throw new Error("expected an InvalidArgumentError");
}

describe("producer options are validated at construction", () => {
  const cases: Array<[string, ProducerOptions, string]> = [
    ["a negative epoch", { epoch: -1 }, "epoch"],
    ["a fractional epoch", { epoch: 1.5 }, "epoch"],
    ["an epoch beyond 2^53-1", { epoch: 2 ** 53 }, "epoch"],
    ["maxBatchBytes of 0", { maxBatchBytes: 0 }, "maxBatchBytes"],
    ["negative maxBatchBytes", { maxBatchBytes: -10 }, "maxBatchBytes"],
    ["maxBatchItems of 0", { maxBatchItems: 0 }, "maxBatchItems"],
    ["negative maxBatchItems", { maxBatchItems: -1 }, "maxBatchItems"],
    ["maxInFlight of 0", { maxInFlight: 0 }, "maxInFlight"],
    ["negative maxInFlight", { maxInFlight: -1 }, "maxInFlight"],
    ["negative lingerMs", { lingerMs: -1 }, "lingerMs"],
    ["NaN lingerMs", { lingerMs: Number.NaN }, "lingerMs"],
    ["maxBufferedMessages of 0", { maxBufferedMessages: 0 }, "maxBufferedMessages"],
    ["negative maxBufferedMessages", { maxBufferedMessages: -5 }, "maxBufferedMessages"],
    ["maxBufferedBytes of 0", { maxBufferedBytes: 0 }, "maxBufferedBytes"],
    ["negative maxBufferedBytes", { maxBufferedBytes: -1 }, "maxBufferedBytes"],
    ["negative deliveryTimeoutMs", { deliveryTimeoutMs: -1 }, "deliveryTimeoutMs"],
    ["NaN deliveryTimeoutMs", { deliveryTimeoutMs: Number.NaN }, "deliveryTimeoutMs"],
    [
      "a non-number deliveryTimeoutMs",
      { deliveryTimeoutMs: "60000" as unknown as number },
      "deliveryTimeoutMs",
    ],
  ];

  for (const [label, options, argument] of cases) {
    it(`rejects ${label}, naming ${argument}`, () => {
      const error = invalidArgument(() => new IdempotentProducer(offlineStream(), "p", options));
      expect(error.argument).toBe(argument);
      expect(error.code).toBe("INVALID_ARGUMENT");
      expect(error.message).toContain(argument);
    });
  }

  it("rejects an empty producer id", () => {
    const error = invalidArgument(() => new IdempotentProducer(offlineStream(), ""));
    expect(error.argument).toBe("producerId");
  });

  it("accepts the boundary values and applies the defaults", () => {
    const producer = new IdempotentProducer(offlineStream(), "p", {
      epoch: 0,
      lingerMs: 0,
      maxBatchBytes: 1,
      maxInFlight: 1,
      maxBufferedMessages: 1,
      maxBufferedBytes: 1,
      deliveryTimeoutMs: 0,
    });
    expect(
      new IdempotentProducer(offlineStream(), "r", { deliveryTimeoutMs: Infinity }).stopped,
    ).toBe(false);
    expect(producer.epoch).toBe(0);
    expect(producer.nextSeq).toBe(0);
    expect(producer.pendingCount).toBe(0);
    expect(producer.inFlightCount).toBe(0);
    expect(producer.lastOffset).toBeUndefined();
    expect(producer.id).toBe("p");

    const defaults = new IdempotentProducer(offlineStream(), "q", { epoch: 7 });
    expect(defaults.epoch).toBe(7);
  });
});
