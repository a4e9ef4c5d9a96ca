import { describe, it, expect } from "vitest";
import { SseParser, type SseEvent } from "../src/client/sse-parser";

const enc = new TextEncoder();
const bytes = (s: string): Uint8Array => enc.encode(s);

/** Feeds each string chunk (UTF-8 encoded) and collects all events, then checks end(). */
function parseChunks(chunks: (string | Uint8Array)[]): SseEvent[] {
  const parser = new SseParser();
  const out: SseEvent[] = [];
  for (const c of chunks) out.push(...parser.push(typeof c === "string" ? bytes(c) : c));
  expect(parser.end()).toEqual([]);
  return out;
}

const parse = (s: string): SseEvent[] => parseChunks([s]);

describe("SseParser: basics", () => {
  it("parses a single message event", () => {
    expect(parse("data: hello\n\n")).toEqual([{ event: "message", data: "hello" }]);
  });

  it("parses several events in one chunk", () => {
    expect(parse("data: a\n\nevent: foo\ndata: b\n\ndata: c\n\n")).toEqual([
      { event: "message", data: "a" },
      { event: "foo", data: "b" },
      { event: "message", data: "c" },
    ]);
  });

  it("returns events as the chunks complete them", () => {
    const parser = new SseParser();
    expect(parser.push(bytes("data: one\n"))).toEqual([]);
    expect(parser.push(bytes("\ndata: tw"))).toEqual([{ event: "message", data: "one" }]);
    expect(parser.push(bytes("o\n"))).toEqual([]);
    expect(parser.push(bytes("\n"))).toEqual([{ event: "message", data: "two" }]);
    expect(parser.end()).toEqual([]);
  });

  it("joins multi-line data with \\n", () => {
    expect(parse("data: line 1\ndata: line 2\ndata: line 3\n\n")).toEqual([
      { event: "message", data: "line 1\nline 2\nline 3" },
    ]);
  });

  it("keeps empty data lines", () => {
    expect(parse("data:\n\n")).toEqual([{ event: "message", data: "" }]);
    expect(parse("data\n\n")).toEqual([{ event: "message", data: "" }]);
    expect(parse("data: a\ndata:\ndata: b\n\n")).toEqual([{ event: "message", data: "a\n\nb" }]);
    expect(parse("data:\ndata:\n\n")).toEqual([{ event: "message", data: "\n" }]);
  });

  it("resets the event type after each dispatch", () => {
    expect(parse("event: x\ndata: 1\n\ndata: 2\n\n")).toEqual([
      { event: "x", data: "1" },
      { event: "message", data: "2" },
    ]);
  });

  it("uses the last event field when several are given", () => {
    expect(parse("event: a\nevent: b\ndata: 1\n\n")).toEqual([{ event: "b", data: "1" }]);
  });

  it("treats an empty event type as message", () => {
    expect(parse("event:\ndata: 1\n\n")).toEqual([{ event: "message", data: "1" }]);
  });

  it("ignores extra blank lines", () => {
    expect(parse("\n\n\ndata: a\n\n\n\n")).toEqual([{ event: "message", data: "a" }]);
  });
});

describe("SseParser: Durable Streams shapes", () => {
  it("parses an `event: data` event with JSON spread over several data lines", () => {
    const json = {
      items: [
        { id: 1, text: "hi" },
        { id: 2, text: "there" },
      ],
      done: false,
    };
    const pretty = JSON.stringify(json, null, 2);
    const wire =
      "event: data\n" +
      pretty
        .split("\n")
        .map((l) => `data: ${l}\n`)
        .join("") +
      "\n";
    const events = parse(wire);
    expect(events).toEqual([{ event: "data", data: pretty }]);
    expect(JSON.parse(events[0]!.data)).toEqual(json);
  });

  it("parses an `event: control` event", () => {
    const control = { streamNextOffset: "0000000000000042_0000000000001337", streamCursor: "c-17" };
    const wire = `event: control\ndata: ${JSON.stringify(control)}\n\n`;
    const events = parse(wire);
    expect(events).toEqual([{ event: "control", data: JSON.stringify(control) }]);
    expect(JSON.parse(events[0]!.data)).toEqual(control);
  });

  it("parses interleaved data and control events split into small chunks", () => {
    const wire =
      'event: data\ndata: [{"a":1},\ndata: {"a":2}]\n\n' +
      'event: control\ndata: {"streamNextOffset":"10","streamCursor":"x"}\n\n' +
      'event: data\ndata: [{"a":3}]\n\n' +
      'event: control\ndata: {"streamNextOffset":"11","streamCursor":"y"}\n\n';
    const expected = [
      { event: "data", data: '[{"a":1},\n{"a":2}]' },
      { event: "control", data: '{"streamNextOffset":"10","streamCursor":"x"}' },
      { event: "data", data: '[{"a":3}]' },
      { event: "control", data: '{"streamNextOffset":"11","streamCursor":"y"}' },
    ];
    for (const size of [1, 2, 3, 7, 64]) {
      const chunks: string[] = [];
      for (let i = 0; i < wire.length; i += size) chunks.push(wire.slice(i, i + size));
      expect(parseChunks(chunks)).toEqual(expected);
    }
  });
});

describe("SseParser: line endings", () => {
  it("accepts CRLF", () => {
    expect(parse("event: e\r\ndata: a\r\ndata: b\r\n\r\n")).toEqual([{ event: "e", data: "a\nb" }]);
  });

  it("accepts a lone CR", () => {
    expect(parse("event: e\rdata: a\rdata: b\r\rdata: c\r\r")).toEqual([
      { event: "e", data: "a\nb" },
      { event: "message", data: "c" },
    ]);
  });

  it("accepts mixed line endings", () => {
    expect(parse("data: a\r\ndata: b\rdata: c\n\r\ndata: d\r\r")).toEqual([
      { event: "message", data: "a\nb\nc" },
      { event: "message", data: "d" },
    ]);
  });

  it("treats a CRLF split across chunks as one line ending", () => {
    const parser = new SseParser();
    expect(parser.push(bytes("data: a\r"))).toEqual([]);
    expect(parser.push(bytes("\ndata: b\r"))).toEqual([]);
    expect(parser.push(bytes("\n\r"))).toEqual([{ event: "message", data: "a\nb" }]);
    expect(parser.push(bytes("\n"))).toEqual([]);
    expect(parser.push(bytes("data: c\r\n\r\n"))).toEqual([{ event: "message", data: "c" }]);
    expect(parser.end()).toEqual([]);
  });

  it("does not produce a truncated event when a CRLF is split between data lines", () => {
    expect(parseChunks(["event: data\r\ndata: part1\r", "\ndata: part2\r\n\r\n"])).toEqual([
      { event: "data", data: "part1\npart2" },
    ]);
  });

  it("keeps the split-CRLF state across empty chunks", () => {
    expect(
      parseChunks(["data: a\r", new Uint8Array(0), "", "\ndata: b\r\n", "\r", "", "\n"]),
    ).toEqual([{ event: "message", data: "a\nb" }]);
  });

  it("dispatches on CR CR immediately, without waiting for the next chunk", () => {
    const parser = new SseParser();
    expect(parser.push(bytes("data: x\r\r"))).toEqual([{ event: "message", data: "x" }]);
    expect(parser.push(bytes("\ndata: y\n\n"))).toEqual([{ event: "message", data: "y" }]);
  });

  it("treats a CR at the end of a chunk as a line ending when no LF follows", () => {
    expect(parseChunks(["data: a\r", "data: b\r", "\r"])).toEqual([
      { event: "message", data: "a\nb" },
    ]);
  });
});

describe("SseParser: field parsing", () => {
  it("strips exactly one leading space from the value", () => {
    expect(parse("data:  x\n\n")).toEqual([{ event: "message", data: " x" }]);
    expect(parse("data:   x \n\n")).toEqual([{ event: "message", data: "  x " }]);
    expect(parse("event:  spaced\ndata: 1\n\n")).toEqual([{ event: " spaced", data: "1" }]);
  });

  it('accepts "data:x" with no space', () => {
    expect(parse("data:x\n\n")).toEqual([{ event: "message", data: "x" }]);
    expect(parse("event:e\ndata:x\n\n")).toEqual([{ event: "e", data: "x" }]);
  });

  it("does not strip a leading tab", () => {
    expect(parse("data:\tx\n\n")).toEqual([{ event: "message", data: "\tx" }]);
  });

  it("splits the field at the first colon only", () => {
    expect(parse("data: a: b:c\n\n")).toEqual([{ event: "message", data: "a: b:c" }]);
    expect(parse('data: {"k":"v"}\n\n')).toEqual([{ event: "message", data: '{"k":"v"}' }]);
  });

  it("ignores comments", () => {
    expect(parse(": keep-alive\ndata: a\n:another\n:\n\n: trailing\n\n")).toEqual([
      { event: "message", data: "a" },
    ]);
  });

  it("does not dispatch a block made of comments only", () => {
    expect(parse(": ping\n\n:\n\n")).toEqual([]);
  });

  it("ignores id, retry and unknown fields", () => {
    expect(
      parse("id: 42\nretry: 1000\nfoo: bar\ndata: a\nid\nretry: nope\nDATA: shout\nx\n\n"),
    ).toEqual([{ event: "message", data: "a" }]);
  });

  it("field names are case-sensitive and must match exactly", () => {
    expect(parse("Data: a\ndata : b\n data: c\nevent : e\ndata: d\n\n")).toEqual([
      { event: "message", data: "d" },
    ]);
  });

  it("passes unknown event types through", () => {
    expect(parse("event: something-new\ndata: {}\n\nevent: ping\ndata:\n\n")).toEqual([
      { event: "something-new", data: "{}" },
      { event: "ping", data: "" },
    ]);
  });

  it("does not dispatch an event without data, and resets its type", () => {
    expect(parse("event: control\n\ndata: a\n\n")).toEqual([{ event: "message", data: "a" }]);
    expect(parse("event: x\nid: 1\nretry: 5\n\n")).toEqual([]);
  });
});

describe("SseParser: end of input", () => {
  it("discards an unterminated final event", () => {
    const parser = new SseParser();
    expect(parser.push(bytes("data: a\n\ndata: b\n"))).toEqual([{ event: "message", data: "a" }]);
    expect(parser.end()).toEqual([]);
  });

  it("discards an unterminated final line", () => {
    const parser = new SseParser();
    expect(parser.push(bytes("event: x\ndata: b"))).toEqual([]);
    expect(parser.end()).toEqual([]);
  });

  it("resets the parser so it can be reused", () => {
    const parser = new SseParser();
    expect(parser.push(bytes("event: stale\ndata: half"))).toEqual([]);
    expect(parser.end()).toEqual([]);
    expect(parser.push(bytes("data: fresh\n\n"))).toEqual([{ event: "message", data: "fresh" }]);
  });

  it("forgets a pending CR on reset", () => {
    const parser = new SseParser();
    parser.push(bytes("data: a\r"));
    parser.end();
    // The leading LF is now a blank line on its own (nothing to dispatch), not part of a CRLF.
    expect(parser.push(bytes("\ndata: b\n\n"))).toEqual([{ event: "message", data: "b" }]);
  });

  it("discards a partial multi-byte character left at end()", () => {
    const parser = new SseParser();
    parser.push(new Uint8Array([0x64, 0x61, 0x74, 0x61, 0x3a, 0xe2, 0x82])); // "data:" + 2/3 of "€"
    expect(parser.end()).toEqual([]);
    expect(parser.push(bytes("data: ok\n\n"))).toEqual([{ event: "message", data: "ok" }]);
  });
});

describe("SseParser: UTF-8", () => {
  it("decodes multi-byte characters split across chunks", () => {
    const text = "data: héllo € 😀 世界\n\n";
    const all = bytes(text);
    const expected = [{ event: "message", data: "héllo € 😀 世界" }];
    for (let cut = 0; cut <= all.length; cut++) {
      expect(parseChunks([all.subarray(0, cut), all.subarray(cut)])).toEqual(expected);
    }
    // One byte at a time.
    expect(parseChunks(Array.from(all, (b) => new Uint8Array([b])))).toEqual(expected);
  });

  it("decodes a 4-byte character split into every possible piece", () => {
    const emoji = bytes("😀"); // F0 9F 98 80
    expect(emoji.length).toBe(4);
    expect(
      parseChunks([
        "event: ",
        emoji.subarray(0, 1),
        emoji.subarray(1, 3),
        emoji.subarray(3),
        "\ndata: ",
        emoji.subarray(0, 3),
        emoji.subarray(3),
        "\n\n",
      ]),
    ).toEqual([{ event: "😀", data: "😀" }]);
  });

  it("replaces invalid bytes instead of throwing", () => {
    const events = parseChunks([new Uint8Array([0x64, 0x61, 0x74, 0x61, 0x3a, 0xff, 0x0a, 0x0a])]);
    expect(events).toEqual([{ event: "message", data: "\uFFFD" }]);
  });

  it("strips a leading BOM", () => {
    expect(parse("\uFEFFdata: a\n\n")).toEqual([{ event: "message", data: "a" }]);
  });

  it("strips a leading BOM split across chunks", () => {
    const all = bytes("\uFEFFdata: a\n\n");
    expect(all.subarray(0, 3)).toEqual(new Uint8Array([0xef, 0xbb, 0xbf]));
    expect(parseChunks([all.subarray(0, 1), all.subarray(1, 2), all.subarray(2)])).toEqual([
      { event: "message", data: "a" },
    ]);
  });

  it("strips only one leading BOM", () => {
    // A second BOM makes the first line's field name "\uFEFFdata", which is unknown.
    expect(parse("\uFEFF\uFEFFdata: a\n\ndata: b\n\n")).toEqual([{ event: "message", data: "b" }]);
  });

  it("keeps a BOM that is not at the very start", () => {
    expect(parse("data: \uFEFFa\n\n")).toEqual([{ event: "message", data: "\uFEFFa" }]);
    expect(parse(": c\n\uFEFFdata: a\n\ndata: b\n\n")).toEqual([{ event: "message", data: "b" }]);
  });

  it("keeps a BOM at the start of a later chunk", () => {
    expect(parseChunks(["data: x", "\uFEFF\n\n"])).toEqual([{ event: "message", data: "x\uFEFF" }]);
  });

  it("strips the BOM again after end() resets the parser", () => {
    const parser = new SseParser();
    expect(parser.push(bytes("\uFEFFdata: a\n\n"))).toEqual([{ event: "message", data: "a" }]);
    parser.end();
    expect(parser.push(bytes("\uFEFFdata: b\n\n"))).toEqual([{ event: "message", data: "b" }]);
  });
});

describe("SseParser: large input", () => {
  it("handles a long line delivered in many small chunks", () => {
    const payload = "x".repeat(200_000);
    const wire = `data: ${payload}\n\n`;
    const chunks: string[] = [];
    for (let i = 0; i < wire.length; i += 100) chunks.push(wire.slice(i, i + 100));
    const events = parseChunks(chunks);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toBe(payload);
  });

  it("handles many events in one chunk", () => {
    const n = 20_000;
    let wire = "";
    for (let i = 0; i < n; i++) wire += `event: data\ndata: {"i":${i}}\n\n`;
    const events = parse(wire);
    expect(events).toHaveLength(n);
    expect(events[n - 1]).toEqual({ event: "data", data: `{"i":${n - 1}}` });
  });
});
