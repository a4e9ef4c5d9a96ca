// @vitest-environment jsdom
import { useState, type ReactNode } from "react";
import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, expectTypeOf, it } from "vitest";
import {
  useDurableStream,
  type ChunkMeta,
  type DurableStreamResult,
} from "../../src/react/index.js";
import { inProvider } from "../support/react-harness.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";
import { trackingFetch } from "../support/tracking-fetch.js";

const server = sharedTestServer();
afterEach(cleanup);

/** A typed stream item. */
interface ScoreEvent {
  player: string;
  points: number;
}

type Scores = Readonly<Record<string, number>>;

function addScores(state: Scores, items: readonly ScoreEvent[]): Scores {
  const next: Record<string, number> = { ...state };
  for (const item of items) next[item.player] = (next[item.player] ?? 0) + item.points;
  return next;
}

const leader = (scores: Scores): string =>
  Object.entries(scores).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? "none";

function Leaderboard({ url }: { url: string }): ReactNode {
  const result = useDurableStream<ScoreEvent, Scores, string>(url, {
    reducer: addScores,
    initial: {},
    select: leader,
  });
  // The types flow from the reducer and select into the result.
  expectTypeOf(result).toEqualTypeOf<DurableStreamResult<string>>();
  expectTypeOf(result.data).toEqualTypeOf<string>();
  return <div data-testid="leader">{result.data}</div>;
}

function Table({ url }: { url: string }): ReactNode {
  const { data } = useDurableStream<ScoreEvent, Scores>(url, { reducer: addScores, initial: {} });
  expectTypeOf(data).toEqualTypeOf<Scores>();
  return <div data-testid="table">{JSON.stringify(data)}</div>;
}

function RawList({ url }: { url: string }): ReactNode {
  const { data } = useDurableStream<ScoreEvent>(url);
  expectTypeOf(data).toEqualTypeOf<ScoreEvent[]>();
  return <div data-testid="raw">{data.map((e) => `${e.player}:${e.points}`).join(",")}</div>;
}

async function scoreStream(client: ReturnType<typeof testClient>, events: ScoreEvent[]) {
  const url = uniquePath("scores");
  const stream = client.stream(url);
  await stream.create({ contentType: "application/json" });
  for (const event of events) await stream.appendJson(event);
  return { url, stream };
}

describe("reducer and select", () => {
  it("a keyed-map reducer and a select derive typed data, live", async () => {
    const client = testClient(server(), { warnOnHttp: false });
    const { url, stream } = await scoreStream(client, [
      { player: "ann", points: 3 },
      { player: "bob", points: 5 },
    ]);
    render(
      inProvider(
        client,
        <>
          <Leaderboard url={url} />
          <Table url={url} />
        </>,
      ),
    );
    await waitFor(() => expect(screen.getByTestId("leader").textContent).toBe("bob"));
    expect(JSON.parse(screen.getByTestId("table").textContent!)).toEqual({ ann: 3, bob: 5 });
    await act(async () => {
      await stream.appendJson({ player: "ann", points: 4 });
    });
    await waitFor(() => expect(screen.getByTestId("leader").textContent).toBe("ann"));
    expect(JSON.parse(screen.getByTestId("table").textContent!)).toEqual({ ann: 7, bob: 5 });
  });

  it("a counting reducer over a text stream", async () => {
    const client = testClient(server(), { warnOnHttp: false });
    const url = uniquePath("count");
    const stream = client.stream(url);
    await stream.create({ contentType: "text/plain" });
    await stream.append("hello ");
    await stream.append("world");
    function Counter(): ReactNode {
      const { data } = useDurableStream<string, number>(url, {
        reducer: (count, chunks) => count + chunks.join("").length,
        initial: 0,
      });
      expectTypeOf(data).toEqualTypeOf<number>();
      return <div data-testid="count">{data}</div>;
    }
    render(inProvider(client, <Counter />));
    await waitFor(() => expect(screen.getByTestId("count").textContent).toBe("11"));
    await act(async () => {
      await stream.append("!!");
    });
    await waitFor(() => expect(screen.getByTestId("count").textContent).toBe("13"));
  });

  it("folds every message exactly once under StrictMode, with the batch's meta", async () => {
    const tracker = trackingFetch();
    const client = testClient(server(), { fetch: tracker.fetch, warnOnHttp: false });
    const { url, stream } = await scoreStream(client, [
      { player: "a", points: 1 },
      { player: "b", points: 1 },
    ]);
    const folded: ScoreEvent[] = [];
    const offsets: string[] = [];
    function Folder(): ReactNode {
      // An inline reducer: a new function on every render must not reopen the session.
      const [renders, setRenders] = useState(0);
      const { data, offset } = useDurableStream<ScoreEvent, number>(url, {
        reducer: (total, items, meta: ChunkMeta) => {
          folded.push(...items);
          offsets.push(meta.offset);
          return total + items.reduce((sum, item) => sum + item.points, 0);
        },
        initial: 0,
      });
      return (
        <button data-testid="folder" data-offset={offset} onClick={() => setRenders(renders + 1)}>
          {data}
        </button>
      );
    }
    render(inProvider(client, <Folder />));
    await waitFor(() => expect(screen.getByTestId("folder").textContent).toBe("2"));
    for (let i = 0; i < 3; i++) act(() => screen.getByTestId("folder").click());
    await act(async () => {
      await stream.appendJson({ player: "c", points: 10 });
    });
    await waitFor(() => expect(screen.getByTestId("folder").textContent).toBe("12"));
    expect(folded.map((e) => e.player)).toEqual(["a", "b", "c"]);
    expect(screen.getByTestId("folder").dataset.offset).toBe(offsets.at(-1));
    expect(tracker.catchUps(url)).toHaveLength(1);
  });

  it("a default reader and reducer readers of the same stream each get their own state", async () => {
    const client = testClient(server(), { warnOnHttp: false });
    const { url, stream } = await scoreStream(client, [{ player: "ann", points: 2 }]);
    render(
      inProvider(
        client,
        <>
          <RawList url={url} />
          <Table url={url} />
          <Leaderboard url={url} />
        </>,
      ),
    );
    await waitFor(() => expect(screen.getByTestId("raw").textContent).toBe("ann:2"));
    await waitFor(() => expect(screen.getByTestId("leader").textContent).toBe("ann"));
    expect(JSON.parse(screen.getByTestId("table").textContent!)).toEqual({ ann: 2 });
    await act(async () => {
      await stream.appendJson({ player: "bob", points: 9 });
    });
    await waitFor(() => expect(screen.getByTestId("raw").textContent).toBe("ann:2,bob:9"));
    await waitFor(() => expect(screen.getByTestId("leader").textContent).toBe("bob"));
    expect(JSON.parse(screen.getByTestId("table").textContent!)).toEqual({ ann: 2, bob: 9 });
  });

  it("changing select re-derives from the same state without a new session", async () => {
    const tracker = trackingFetch();
    const client = testClient(server(), { fetch: tracker.fetch, warnOnHttp: false });
    const { url } = await scoreStream(client, [
      { player: "ann", points: 2 },
      { player: "bob", points: 3 },
    ]);
    function Picker({ field }: { field: "player" | "points" }): ReactNode {
      const { data } = useDurableStream<ScoreEvent, ScoreEvent[], string>(url, {
        select: (events) => events.map((e) => String(e[field])).join("|"),
      });
      return <div data-testid="picked">{data}</div>;
    }
    const view = render(inProvider(client, <Picker field="player" />));
    await waitFor(() => expect(screen.getByTestId("picked").textContent).toBe("ann|bob"));
    view.rerender(inProvider(client, <Picker field="points" />));
    expect(screen.getByTestId("picked").textContent).toBe("2|3");
    expect(tracker.catchUps(url)).toHaveLength(1);
  });
});
