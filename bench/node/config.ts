/** Workload sizes of the Node benchmark: the full run and the `--quick` smoke run. */

export const MIB = 1 << 20;

/** Size of one "small" message, in bytes (JSON messages are padded to it). */
export const MESSAGE_BYTES = 100;

export interface Sizes {
  /** Messages in the JSON catch-up stream. */
  readonly jsonMessages: number;
  /** Bytes in the binary catch-up stream (also the memory scenario's stream). */
  readonly binaryBytes: number;
  /** Append-to-delivery samples per contender, mode and round. */
  readonly latencySamples: number;
  /** Messages of {@link MESSAGE_BYTES} in the small-message producer runs. */
  readonly producerSmallMessages: number;
  /** Messages of 1 MiB in the large-message producer run. */
  readonly producerLargeMessages: number;
  /** Samples of single append and create latency per contender and round. */
  readonly singleOpSamples: number;
}

export const FULL_SIZES: Sizes = {
  jsonMessages: 100_000,
  binaryBytes: 100 * MIB,
  latencySamples: 100,
  producerSmallMessages: 100_000,
  producerLargeMessages: 50,
  singleOpSamples: 200,
};

export const QUICK_SIZES: Sizes = {
  jsonMessages: 5_000,
  binaryBytes: 8 * MIB,
  latencySamples: 10,
  producerSmallMessages: 5_000,
  producerLargeMessages: 5,
  singleOpSamples: 20,
};

/** Long-poll timeout of the server: long enough that no latency sample meets it. */
export const LONG_POLL_TIMEOUT_MS = 10_000;

/**
 * Compression stays off: on loopback gzip costs far more than it saves, and
 * with it on every read would mostly measure the server's zlib, not the clients.
 */
export const SERVER_COMPRESSION = false;

/** A delivery that takes longer than this is a failure, not a slow sample. */
export const DELIVERY_TIMEOUT_MS = 10_000;
