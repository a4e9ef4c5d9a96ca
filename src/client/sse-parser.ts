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

const LF = 0x0a;
const SPACE = 0x20;
const BOM = 0xfeff;

/** Incremental parser: feed it network chunks in any split; it returns the events completed by each chunk. */
export class SseParser {
  private decoder = new TextDecoder("utf-8", { ignoreBOM: true });
  /** True until the first decoded character has been seen (a BOM is only stripped there). */
  private atStart = true;
  /** The previous text ended with "\r": a "\n" at the start of the next text belongs to it. */
  private skipLeadingLF = false;
  /** Pieces of the current, not yet terminated line (never contain "\r" or "\n"). */
  private tail: string[] = [];
  /** Current event type ("" when none was given). */
  private eventType = "";
  /** Data lines of the current event. */
  private dataLines: string[] = [];

  push(chunk: Uint8Array): SseEvent[] {
    let text = this.decoder.decode(chunk, { stream: true });
    const events: SseEvent[] = [];
    if (text.length === 0) return events;

    if (this.atStart) {
      this.atStart = false;
      if (text.charCodeAt(0) === BOM) text = text.slice(1);
    }

    let pos = 0;
    if (this.skipLeadingLF && text.length > 0) {
      this.skipLeadingLF = false;
      if (text.charCodeAt(0) === LF) pos = 1;
    }

    const len = text.length;
    // Next positions of "\n" and "\r" at or after `pos` (-1 once none is left).
    let nextLF = text.indexOf("\n", pos);
    let nextCR = text.indexOf("\r", pos);

    while (nextLF !== -1 || nextCR !== -1) {
      let eol: number;
      let next: number;
      if (nextCR === -1 || (nextLF !== -1 && nextLF < nextCR)) {
        eol = nextLF;
        next = eol + 1;
      } else {
        eol = nextCR;
        if (eol + 1 === len) {
          // The matching "\n" (if any) may come with the next chunk.
          this.skipLeadingLF = true;
          next = len;
        } else {
          next = text.charCodeAt(eol + 1) === LF ? eol + 2 : eol + 1;
        }
      }

      let line: string;
      if (this.tail.length > 0) {
        this.tail.push(text.slice(pos, eol));
        line = this.tail.join("");
        this.tail.length = 0;
      } else {
        line = text.slice(pos, eol);
      }
      this.processLine(line, events);

      pos = next;
      if (nextLF !== -1 && nextLF < pos) nextLF = text.indexOf("\n", pos);
      if (nextCR !== -1 && nextCR < pos) nextCR = text.indexOf("\r", pos);
    }

    if (pos < len) this.tail.push(pos === 0 ? text : text.slice(pos));
    return events;
  }

  /** End of input: returns [] (an event not terminated by a blank line is incomplete and is discarded, per the SSE spec), and resets the parser. */
  end(): SseEvent[] {
    this.decoder.decode(); // flush and reset the decoder; leftover bytes are discarded
    this.atStart = true;
    this.skipLeadingLF = false;
    this.tail.length = 0;
    this.eventType = "";
    this.dataLines.length = 0;
    return [];
  }

  private processLine(line: string, events: SseEvent[]): void {
    if (line.length === 0) {
      this.dispatch(events);
      return;
    }
    const colon = line.indexOf(":");
    if (colon === 0) return; // comment

    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = "";
    } else {
      field = line.slice(0, colon);
      let start = colon + 1;
      if (line.charCodeAt(start) === SPACE) start++;
      value = line.slice(start);
    }

    switch (field) {
      case "data":
        this.dataLines.push(value);
        break;
      case "event":
        this.eventType = value;
        break;
      default:
        // "id", "retry" and unknown fields are ignored.
        break;
    }
  }

  private dispatch(events: SseEvent[]): void {
    const lines = this.dataLines;
    if (lines.length > 0) {
      const data = lines.length === 1 ? (lines[0] as string) : lines.join("\n");
      events.push({ event: this.eventType || "message", data });
      lines.length = 0;
    }
    this.eventType = "";
  }
}
