import { afterEach, describe, expect, it } from "vitest";
import { StreamsRuntime, type ViewShape } from "../../src/sync/runtime.js";
import { TextLog } from "../../src/sync/text-log.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";

const server = sharedTestServer();
const runtimes: StreamsRuntime[] = [];

afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.dispose();
});

const textShape: ViewShape<unknown, unknown> = {
  as: "text",
  live: "long-poll",
  version: "1",
  pauseWhenHidden: false,
};

async function liveTextView(shape: ViewShape<unknown, unknown> = textShape) {
  const client = testClient(server(), { warnOnHttp: false });
  const runtime = new StreamsRuntime({ client, gracePeriodMs: 0 });
  runtimes.push(runtime);
  const url = uniquePath("text-log");
  const stream = client.stream(url);
  await stream.create({ contentType: "text/plain" });
  const session = runtime.session(url, shape);
  runtime.retainSession(url, shape);
  /** Resolves once the view's state is `text`. */
  const shows = (text: string) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (session.getSnapshot().state === text) {
          unsubscribe();
          resolve();
        }
      };
      const unsubscribe = session.subscribe(check);
      check();
    });
  return { stream, session, shows };
}

describe("a text view's log of recent pieces", () => {
  it("holds what each live update appended, so a view takes only what is new", async () => {
    const { stream, session, shows } = await liveTextView();
    await stream.append("first catch-up ");
    await shows("first catch-up ");
    const log = session.textLog(() => new TextLog())!;
    expect(log).toBeDefined();
    const before = "first catch-up ".length;
    for (const piece of ["alpha ", "beta ", "gamma"]) {
      await stream.append(piece);
    }
    const all = "first catch-up alpha beta gamma";
    await shows(all);
    expect(log.end).toBe(all.length);
    expect(log.slice(before, all.length)).toBe("alpha beta gamma");
  });

  it("is not kept for a view with its own reducer (its state is not the concatenated text)", async () => {
    const { session } = await liveTextView({
      ...textShape,
      reducer: (state, items) => `${String(state)}${items.length}`,
      initial: "",
    });
    expect(session.textLog(() => new TextLog())).toBeUndefined();
  });
});
