import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { SseParser, type SseEvent } from "../src/client/sse-parser";

const NUM_RUNS = 200;
const encoder = new TextEncoder();

type LineEnding = "\n" | "\r\n" | "\r";

/** One block of the generated stream: lines up to (and including) its terminating blank line. */
interface Block {
  /** Value of the `event:` line, or null for no such line. */
  type: string | null;
  /** Data value (may contain CR, LF, CRLF), or null for no data line at all (block not dispatched). */
  data: string | null;
  /** Lines the parser must ignore (comments, id, retry, unknown fields), with insert positions. */
  extras: { line: string; at: number }[];
  /** Additional blank lines after the terminating one. */
  extraBlankLines: number;
}

interface Scenario {
  blocks: Block[];
  bom: boolean;
  /** Ending of line i is endings[i % endings.length]. */
  endings: LineEnding[];
  /** Lines at the end of the stream that are never terminated by a blank line. */
  trailing: string[];
  /** Whether the last trailing line gets a line ending. */
  trailingTerminated: boolean;
  cuts: number[];
}

// ---------------------------------------------------------------------------
// Arbitraries

/** A single character that may appear inside a line (no CR or LF). */
const lineChar = fc.oneof(
  {
    arbitrary: fc.constantFrom(" ", ":", "a", "Z", "é", "€", "世", "😀", "𝄞", "\uFEFF", "\t", "\0"),
    weight: 4,
  },
  { arbitrary: fc.constantFrom("data", "event", "id", "retry", ": ", "  "), weight: 1 },
  {
    arbitrary: fc
      .string({ unit: "binary", minLength: 1, maxLength: 1 })
      .filter((c) => c !== "\r" && c !== "\n"),
    weight: 3,
  },
);

/** A character of a data value: line characters plus the three kinds of newlines. */
const dataChar = fc.oneof(
  { arbitrary: lineChar, weight: 6 },
  { arbitrary: fc.constantFrom<string>("\n", "\r", "\r\n"), weight: 1 },
);

const lineText = fc.string({ unit: lineChar, maxLength: 12 });
const dataText = fc.string({ unit: dataChar, maxLength: 20 });

/** Lines the parser must not act on. None of them is blank or a `data`/`event` field. */
const ignoredLine = fc.oneof(
  lineText.map((t) => ":" + t),
  lineText.map((t) => "id: " + t),
  fc.nat({ max: 100_000 }).map((n) => "retry: " + n),
  fc.constantFrom("id", "retry", "id:", "retry:"),
  fc
    .tuple(fc.constantFrom("foo", "Data", "EVENT", "event ", " data", "x-custom", "dat"), lineText)
    .map(([f, v]) => `${f}: ${v}`),
  fc.constantFrom("foo", "Data", "event ", "unknown-field-without-colon"),
);

const block: fc.Arbitrary<Block> = fc.record({
  type: fc.option(lineText, { nil: null }),
  data: fc.option(dataText, { nil: null, freq: 6 }),
  extras: fc.array(fc.record({ line: ignoredLine, at: fc.nat({ max: 50 }) }), { maxLength: 3 }),
  extraBlankLines: fc.oneof(
    { arbitrary: fc.constant(0), weight: 5 },
    { arbitrary: fc.nat({ max: 2 }), weight: 1 },
  ),
});

const trailingLine = fc.oneof(
  dataText.map((t) => "data: " + t.replace(/[\r\n]/g, "")),
  lineText.map((t) => "event: " + t),
  ignoredLine,
);

const scenario: fc.Arbitrary<Scenario> = fc.record({
  blocks: fc.array(block, { maxLength: 8 }),
  bom: fc.boolean(),
  endings: fc.array(fc.constantFrom<LineEnding>("\n", "\r\n", "\r"), {
    minLength: 1,
    maxLength: 8,
  }),
  trailing: fc.array(trailingLine, { maxLength: 2 }),
  trailingTerminated: fc.boolean(),
  cuts: fc.array(fc.nat({ max: 1_000_000 }), { maxLength: 20 }),
});

// ---------------------------------------------------------------------------
// Model: serialisation and expected events

const splitLines = (s: string): string[] => s.split(/\r\n|\r|\n/);

function blockLines(b: Block): string[] {
  const lines: string[] = [];
  if (b.type !== null) lines.push("event: " + b.type);
  // One separator space, so that a leading space of the value is preserved.
  if (b.data !== null) for (const l of splitLines(b.data)) lines.push("data: " + l);
  for (const { line, at } of b.extras) lines.splice(at % (lines.length + 1), 0, line);
  lines.push("");
  for (let i = 0; i < b.extraBlankLines; i++) lines.push("");
  return lines;
}

function serialise(s: Scenario): string {
  const lines = s.blocks.flatMap(blockLines);
  lines.push(...s.trailing);
  let out = s.bom ? "\uFEFF" : "";
  let prev: LineEnding | null = null;
  lines.forEach((line, i) => {
    const isLast = i === lines.length - 1;
    if (isLast && s.trailing.length > 0 && !s.trailingTerminated) {
      out += line;
      return;
    }
    let ending = s.endings[i % s.endings.length]!;
    // "\r" followed by an empty line ended by "\n" would read as a single CRLF: that
    // is a property of the format, so the serialiser avoids writing it.
    if (prev === "\r" && line === "" && ending === "\n") ending = "\r\n";
    out += line + ending;
    prev = ending;
  });
  return out;
}

function expectedEvents(s: Scenario): SseEvent[] {
  return s.blocks
    .filter((b) => b.data !== null)
    .map((b) => ({
      event: b.type || "message",
      data: splitLines(b.data!).join("\n"),
    }));
}

// ---------------------------------------------------------------------------
// Feeding the parser

function feed(chunks: Uint8Array[]): SseEvent[] {
  const parser = new SseParser();
  const out: SseEvent[] = [];
  for (const c of chunks) {
    for (const e of parser.push(c)) out.push(e);
  }
  expect(parser.end()).toEqual([]);
  return out;
}

function splitAt(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(start, p)); // may be empty: empty chunks must be harmless
    start = p;
  }
  chunks.push(bytes.subarray(start));
  return chunks;
}

const bytewise = (bytes: Uint8Array): Uint8Array[] =>
  Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));

// ---------------------------------------------------------------------------

describe("SseParser properties", () => {
  it("chunked input gives the same events as the whole buffer, and the expected ones", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const bytes = encoder.encode(serialise(s));
        const whole = feed([bytes]);
        const chunked = feed(splitAt(bytes, s.cuts));
        expect(chunked).toEqual(whole);
        expect(whole).toEqual(expectedEvents(s));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("one-byte chunks give the expected events", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const bytes = encoder.encode(serialise(s));
        expect(feed(bytewise(bytes))).toEqual(expectedEvents(s));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it("events are returned by the push that completes them", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const bytes = encoder.encode(serialise(s));
        const parser = new SseParser();
        let seen = 0;
        const all: SseEvent[] = [];
        for (const chunk of splitAt(bytes, s.cuts)) {
          seen += chunk.length;
          const got = parser.push(chunk);
          all.push(...got);
          // Everything dispatched so far is exactly what the prefix read so far dispatches.
          expect(all).toEqual(feed([bytes.subarray(0, seen)]));
        }
        parser.end();
      }),
      { numRuns: NUM_RUNS / 4 },
    );
  });

  it("arbitrary (even malformed) bytes: any split gives the same events as the whole", () => {
    const noiseByte = fc.oneof(
      fc.constantFrom(0x0a, 0x0d, 0x3a, 0x20, 0x64, 0x61, 0x74, 0x65, 0x76, 0x6e, 0xef, 0xbb, 0xbf),
      fc.integer({ min: 0, max: 255 }),
    );
    const noiseToken = fc.oneof(
      {
        arbitrary: fc.constantFrom("data:", "data: ", "event:", "\r", "\n", "\r\n", ":"),
        weight: 2,
      },
      { arbitrary: noiseByte.map((b) => String.fromCharCode(b)), weight: 1 },
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            noiseToken.map((t) => encoder.encode(t)),
            noiseByte.map((b) => Uint8Array.of(b)),
          ),
          {
            maxLength: 60,
          },
        ),
        fc.array(fc.nat({ max: 1_000_000 }), { maxLength: 20 }),
        (parts, cuts) => {
          const total = parts.reduce((n, p) => n + p.length, 0);
          const bytes = new Uint8Array(total);
          let o = 0;
          for (const p of parts) {
            bytes.set(p, o);
            o += p.length;
          }
          const whole = feed([bytes]);
          expect(feed(splitAt(bytes, cuts))).toEqual(whole);
          expect(feed(bytewise(bytes))).toEqual(whole);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });
});
