import type { DurableStreamClient, IdempotentProducer } from "../../../src/client/index.js";
import { token } from "../protocol.js";
import { benchMessage, isListView, type LongView } from "./protocol.js";

type Stream = ReturnType<DurableStreamClient["stream"]>;

/** Bulk appends while filling: large, so that the fill is quick. */
const FILL_CHUNK_CHARS = 64 * 1024;
const FILL_CHUNK_MESSAGES = 500;

/**
 * What the driver writes to one stream and how much of it there is: tokens
 * (` t<n>`, a line break every 16) for text views, {@link benchMessage}s
 * for list views. `length` is what the page's hook reports: characters or messages.
 */
export class BenchContent {
  /** Tokens or messages written so far; the next one has this index. */
  count = 0;
  /** Characters of text, or messages. */
  length = 0;
  /** What the stream holds, in bytes (UTF-8; every character here is ASCII). */
  bytes = 0;
  readonly list: boolean;

  constructor(
    private readonly stream: Stream,
    view: LongView,
  ) {
    this.list = isListView(view);
  }

  get contentType(): string {
    return this.list ? "application/json" : "text/plain";
  }

  /** Appends in large pieces until `length` reaches `target`. */
  async fillTo(target: number): Promise<void> {
    while (this.length < target) {
      if (this.list) {
        const messages = [];
        while (messages.length < FILL_CHUNK_MESSAGES && this.length < target) {
          messages.push(benchMessage(this.count++));
          this.length++;
        }
        this.bytes += messages.reduce((sum, m) => sum + JSON.stringify(m).length, 0);
        // A JSON array appends its elements.
        await this.stream.append(JSON.stringify(messages), { contentType: this.contentType });
      } else {
        let text = "";
        while (text.length < FILL_CHUNK_CHARS && this.length + text.length < target) {
          text += token(this.count++);
        }
        this.length += text.length;
        this.bytes += text.length;
        await this.stream.append(text);
      }
    }
  }

  /** Appends the next token or message through the producer (the steady phase). */
  appendNext(producer: IdempotentProducer): void {
    if (this.list) {
      const message = benchMessage(this.count++);
      producer.append(message);
      this.length++;
      this.bytes += JSON.stringify(message).length;
    } else {
      const piece = token(this.count++);
      producer.append(piece);
      this.length += piece.length;
      this.bytes += piece.length;
    }
  }
}
