/**
 * Incremental parser for `text/event-stream` (Server-Sent Events), following the
 * WHATWG "event stream interpretation" rules, reduced to what the Durable Streams
 * client needs: `id` and `retry` fields are accepted and discarded.
 *
 * Runs in browsers and Node alike: it only relies on `TextDecoder`.
 */

/** One dispatched SSE event. `event` is the event type ("message" when no `event:` field was given). `data` is the data lines joined with "\n". */
export interface SseEvent {
  event: string;
  data: string;
}

/** Incremental parser: feed it network chunks in any split; it returns the events completed by each chunk. */
export class SseParser {
  #decoder!: TextDecoder;
  /** True until the first decoded character has been seen (a BOM is only stripped there). */
  #atStart!: boolean;
  /** The previous text ended with "\r": a "\n" at the start of the next text belongs to it. */
  #skipLeadingLF!: boolean;
  /**
   * The current, not yet terminated line (never contains "\r" or "\n"). Appended
   * to, not re-scanned, so a long line in many chunks costs linear time.
   */
  #tail!: string;
  /** Current event type ("" when none was given). */
  #eventType!: string;
  /** Data lines of the current event. */
  #dataLines!: string[];

  constructor() {
    this.end();
  }

  push(chunk: Uint8Array): SseEvent[] {
    let text = this.#decoder.decode(chunk, { stream: true });
    const events: SseEvent[] = [];
    if (text === "") return events;
    if (this.#atStart && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    this.#atStart = false;
    if (this.#skipLeadingLF && text[0] === "\n") text = text.slice(1);
    // A final "\r" ends its line now; the matching "\n" (if any) may come with the next chunk.
    this.#skipLeadingLF = text.endsWith("\r");
    // (Splitting on a plain "\n" is much faster, and CRs are rare.)
    const lines = text.includes("\r") ? text.split(/\r\n|\r|\n/) : text.split("\n");
    const rest = lines.pop()!;
    if (lines.length > 0) {
      lines[0] = this.#tail + lines[0];
      this.#tail = "";
    }
    for (const line of lines) this.#processLine(line, events);
    this.#tail += rest;
    return events;
  }

  /** End of input: returns [] (an event not terminated by a blank line is incomplete and is discarded, per the SSE spec), and resets the parser. */
  end(): SseEvent[] {
    // A new decoder discards leftover bytes of a partial character.
    this.#decoder = new TextDecoder("utf-8", { ignoreBOM: true });
    this.#atStart = true;
    this.#skipLeadingLF = false;
    this.#tail = "";
    this.#eventType = "";
    this.#dataLines = [];
    return [];
  }

  #processLine(line: string, events: SseEvent[]): void {
    if (line === "") {
      // A blank line dispatches the event, if it has data.
      if (this.#dataLines.length > 0) {
        events.push({ event: this.#eventType || "message", data: this.#dataLines.join("\n") });
        this.#dataLines = [];
      }
      this.#eventType = "";
      return;
    }
    const colon = line.indexOf(":");
    if (colon === 0) return; // comment
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value[0] === " ") value = value.slice(1);
    // "id", "retry" and unknown fields are ignored.
    if (field === "data") this.#dataLines.push(value);
    else if (field === "event") this.#eventType = value;
  }
}
