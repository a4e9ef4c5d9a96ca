// @vitest-environment node
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Payload } from "../../src/client/chunk.js";
import { ParseError } from "../../src/client/errors.js";
import { payloadItems } from "../../src/client/payload.js";

const URL_ = "http://127.0.0.1/test/property";

/** Messages as the server holds them: any JSON value, nested arrays included. */
const messages = fc.array(
  fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.array(fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }), { maxLength: 3 }),
  ),
  { maxLength: 12 },
);

/** Sorted cut points in [0, n], repeats allowed (so some events hold no message). */
function cuts(n: number): fc.Arbitrary<number[]> {
  return fc
    .array(fc.integer({ min: 0, max: n }), { maxLength: 6 })
    .map((c) => c.sort((a, b) => a - b));
}

/** Splits the messages into SSE data events, each a JSON array, as the protocol allows. */
function toEvents(list: unknown[], points: number[], spaced: boolean): string[] {
  const bounds = [0, ...points, list.length];
  const events: string[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const group = list.slice(bounds[i], bounds[i + 1]);
    // A server may spread one array over several `data:` lines; the parser joins them with "\n".
    events.push(spaced ? JSON.stringify(group, null, 1) : JSON.stringify(group));
  }
  return events;
}

/** JSON cannot carry -0 or keep `undefined`: compare with what survives a round trip. */
function roundTrip(list: unknown[]): unknown[] {
  return JSON.parse(JSON.stringify(list)) as unknown[];
}

describe("payloadItems (property)", () => {
  it("a batch of SSE data events yields the concatenation of their messages, however split", () => {
    fc.assert(
      fc.property(
        messages.chain((list) => fc.tuple(fc.constant(list), cuts(list.length), fc.boolean())),
        ([list, points, spaced]) => {
          const payload: Payload = toEvents(list, points, spaced);
          expect(payloadItems(payload, JSON, URL_)).toEqual(roundTrip(list));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a response body of the same messages as one array yields the same messages", () => {
    fc.assert(
      fc.property(messages, fc.boolean(), (list, spaced) => {
        const text = spaced ? JSON.stringify(list, null, 2) : JSON.stringify(list);
        const payload: Payload = new TextEncoder().encode(text);
        expect(payloadItems(payload, JSON, URL_)).toEqual(roundTrip(list));
        // The same messages, whichever way they came.
        const events: Payload = toEvents(list, [], false);
        expect(payloadItems(events, JSON, URL_)).toEqual(payloadItems(payload, JSON, URL_));
      }),
      { numRuns: 300 },
    );
  });

  it("an event that is not a JSON array is a ParseError wherever it sits", () => {
    fc.assert(
      fc.property(
        messages,
        fc.oneof(
          fc.constant(""),
          fc.constant("[1,"),
          fc
            .jsonValue()
            .filter((v) => !Array.isArray(v))
            .map((v) => JSON.stringify(v)),
        ),
        fc.nat(),
        (list, bad, where) => {
          const events = toEvents(list, [Math.floor(list.length / 2)], false);
          events.splice(where % (events.length + 1), 0, bad);
          expect(() => payloadItems(events, JSON, URL_)).toThrow(ParseError);
        },
      ),
      { numRuns: 200 },
    );
  });
});
