/**
 * What every contender (our client, the upstream client, plain fetch) must
 * be able to do. Each operation returns what it observed (counts, bytes), so
 * the scenarios can verify it; nothing here measures time.
 */

export type ContenderName = "ours" | "upstream" | "fetch";

export const CONTENDERS: readonly ContenderName[] = ["ours", "upstream", "fetch"];

/** Marks an operation the contender cannot do; the table prints "n/a" and the reason. */
export class Unsupported extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export type LiveMode = "long-poll" | "sse";

/** A running live reader. */
export interface LiveReader {
  /** Stops it; rejects if the reader failed meanwhile (so a broken reader is loud). */
  stop(): Promise<void>;
}

/** What a producer run appends. */
export type ProducerWorkload =
  | { readonly kind: "bytes"; readonly count: number; readonly payload: Uint8Array<ArrayBuffer> }
  | { readonly kind: "json"; readonly count: number };

/** A producer run that is ready to start; `run` is the timed part. */
export interface PreparedProduce {
  run(): Promise<void>;
  dispose(): Promise<void>;
}

export interface Contender {
  readonly name: ContenderName;
  /** The API used, for the footnotes. */
  readonly describe: {
    readJson: string;
    readBytes: string;
    follow: string;
    produce: string;
  };
  /** Reads a JSON stream from the beginning to up to date, visiting every message; returns the count. */
  readJson(url: string): Promise<number>;
  /** Reads a stream from the beginning to up to date; returns the byte count. */
  readBytes(url: string, onChunk?: (size: number) => void): Promise<number>;
  /**
   * Follows a JSON stream live from its beginning, handing every message to
   * `onMessage`. Resolves once the first response arrived.
   */
  follow(url: string, mode: LiveMode, onMessage: (item: unknown) => void): Promise<LiveReader>;
  /** Appends one JSON message (a plain append, not a producer). */
  appendJson(url: string, message: object): Promise<void>;
  /** Appends bytes to an octet-stream stream (a plain append). */
  appendBytes(url: string, bytes: Uint8Array<ArrayBuffer>): Promise<void>;
  /** Creates a stream. */
  create(url: string, contentType: string): Promise<void>;
  /** Sets up an exactly-once producer run (the fetch floor: plain sequential POSTs). */
  prepareProduce(url: string, workload: ProducerWorkload): Promise<PreparedProduce>;
}
