import { useState } from "react";
import type { Meta, StoryObj } from "@storybook/react-vite";
import type { ChunkMeta } from "../../src/client/index.js";
import { StreamStatus, useDurableStream } from "../../src/react/index.js";
import { ANSWER } from "../support/fixtures.js";
import {
  tokenize,
  typeOut,
  useInMemoryStreams,
  withStreams,
  type ScriptStep,
  type StreamsParameter,
} from "../support/with-streams.js";

const streams = (parameter: StreamsParameter) => ({ streams: parameter });

interface FeedEvent {
  n: number;
  text: string;
}

/** Buttons act on the in-memory server; the hook's result is shown as it changes. */
function StatusMachineDemo() {
  const server = useInMemoryStreams();
  const [next, setNext] = useState(3);
  const { data, status, error, isUpToDate, closed, offset, retry } =
    useDurableStream<FeedEvent>("/feed");
  const closedOnServer = status === "closed";
  return (
    <div className="story-card">
      <div className="story-row">
        <StreamStatus status={status} error={error} />
        <span className="story-muted">
          offset {offset ?? "none"} · {isUpToDate ? "up to date" : "behind"}
          {closed ? " · closed" : ""}
        </span>
      </div>
      <div className="story-row">
        <button
          type="button"
          disabled={closedOnServer}
          onClick={() => {
            server.append("/feed", { n: next, text: `Event ${next}` });
            setNext(next + 1);
          }}
        >
          Append
        </button>
        <button type="button" onClick={() => server.fail("/feed", 503)}>
          Fail (503)
        </button>
        <button type="button" onClick={() => server.fail("/feed", 404)}>
          Fail (404)
        </button>
        <button type="button" onClick={() => server.recover("/feed")}>
          Recover
        </button>
        <button type="button" onClick={retry}>
          retry()
        </button>
        <button type="button" disabled={closedOnServer} onClick={() => server.close("/feed")}>
          Close
        </button>
      </div>
      <ul className="story-list">
        {data.map((event) => (
          <li key={event.n}>{event.text}</li>
        ))}
      </ul>
      {error && <div className="story-muted">{error.message}</div>}
    </div>
  );
}

interface Vote {
  option: "Tabs" | "Spaces";
}

type Tally = Record<Vote["option"], number>;

/** A pure reducer: a replay from a checkpoint runs it again and must give the same state. */
function tally(state: Tally, votes: readonly Vote[], _meta: ChunkMeta): Tally {
  const next = { ...state };
  for (const vote of votes) next[vote.option] += 1;
  return next;
}

const INITIAL_TALLY: Tally = { Tabs: 0, Spaces: 0 };

function leader(state: Tally): string {
  if (state.Tabs === state.Spaces) return `Tied at ${state.Tabs}`;
  return state.Tabs > state.Spaces
    ? `Tabs lead ${state.Tabs} to ${state.Spaces}`
    : `Spaces lead ${state.Spaces} to ${state.Tabs}`;
}

function ReducerDemo() {
  const { data: tallyState, status } = useDurableStream<Vote, Tally>("/votes", {
    reducer: tally,
    initial: INITIAL_TALLY,
    version: "tally-1",
  });
  const { data: headline } = useDurableStream<Vote, Tally, string>("/votes", {
    reducer: tally,
    initial: INITIAL_TALLY,
    version: "tally-1",
    select: leader,
  });
  return (
    <div className="story-card">
      <StreamStatus status={status} />
      <strong>{headline}</strong>
      <span className="story-muted">
        Tabs {tallyState.Tabs} · Spaces {tallyState.Spaces}
      </span>
    </div>
  );
}

const VOTES: Vote["option"][] = ["Tabs", "Spaces", "Spaces", "Tabs", "Spaces", "Spaces", "Tabs"];

interface LogLine {
  n: number;
  line: string;
}

function LogView() {
  const { data, status, offset } = useDurableStream<LogLine>("/deploy/log", {
    persist: "story:deploy-log",
  });
  return (
    <div className="story-card">
      <div className="story-row">
        <StreamStatus status={status} />
        <span className="story-muted">offset {offset ?? "none"}</span>
      </div>
      <ul className="story-list">
        {data.map((entry) => (
          <li key={entry.n}>{entry.line}</li>
        ))}
      </ul>
    </div>
  );
}

function CheckpointDemo() {
  const [mounted, setMounted] = useState(true);
  return (
    <div className="story-card">
      <div className="story-row">
        <button type="button" onClick={() => setMounted(!mounted)}>
          {mounted ? "Unmount the view" : "Mount it again"}
        </button>
        <span className="story-muted">
          Unmounted, the session stops and saves its checkpoint; mounted again, the view restores it
          and resumes at its offset.
        </span>
      </div>
      {mounted ? <LogView /> : <p className="story-muted">Unmounted.</p>}
    </div>
  );
}

const LOG_LINES = [
  "Building the image",
  "Running the tests",
  "Pushing to the registry",
  "Rolling out to 10%",
  "Rolling out to 50%",
  "Rolling out to 100%",
  "Deployed",
];

function ThrottledText({ throttle, label }: { throttle: "frame" | number | false; label: string }) {
  const { data } = useDurableStream<string, string>("/fast", { as: "text", throttle });
  return (
    <div>
      <div className="story-muted">{label}</div>
      <span className="story-text">{data}</span>
    </div>
  );
}

function ThrottleDemo() {
  return (
    <div className="story-card">
      <ThrottledText throttle="frame" label={'throttle: "frame" (default): at most once a frame'} />
      <ThrottledText throttle={750} label="throttle: 750: at most once every 750 ms" />
    </div>
  );
}

function DisabledDemo() {
  const { status, data } = useDurableStream<FeedEvent>(null);
  return (
    <div className="story-row">
      <StreamStatus status={status} />
      <span className="story-muted">url: null, {data.length} messages, no requests</span>
    </div>
  );
}

/** Live examples for the useDurableStream documentation page. */
const meta = {
  title: "Hooks/useDurableStream",
  decorators: [withStreams],
} satisfies Meta;

export default meta;
type Story = StoryObj<typeof meta>;

/** Drive the server and watch the status: live, reconnecting (503), error (404), closed. */
export const StatusMachine: Story = {
  render: () => <StatusMachineDemo />,
  parameters: streams({
    setup: (s) => {
      s.create("/feed", {
        data: [
          { n: 1, text: "Event 1" },
          { n: 2, text: "Event 2" },
        ],
      });
    },
  }),
};

/** A custom reducer folds votes into a tally; `select` derives a headline from it. */
export const ReducerAndSelect: Story = {
  render: () => <ReducerDemo />,
  parameters: streams({
    setup: (s) => {
      s.create("/votes", { data: [{ option: "Tabs" }] });
      const steps: ScriptStep[] = VOTES.map((option) => ({
        afterMs: 700,
        run: (server) => server.append("/votes", { option }),
      }));
      steps.push({ afterMs: 700, run: (server) => server.close("/votes") });
      return steps;
    },
  }),
};

/** `persist`: state, offset and cursor saved together, restored before reconnecting. */
export const Checkpoints: Story = {
  render: () => <CheckpointDemo />,
  parameters: streams({
    provider: { gracePeriodMs: 0, checkpointIntervalMs: 500 },
    setup: (s) => {
      s.create("/deploy/log", { data: [{ n: 1, line: "Fetching the sources" }] });
      const steps: ScriptStep[] = LOG_LINES.map((line, index) => ({
        afterMs: 1500,
        run: (server) => server.append("/deploy/log", { n: index + 2, line }),
      }));
      steps.push({ afterMs: 1500, run: (server) => server.close("/deploy/log") });
      return steps;
    },
  }),
};

/** Two views of one fast token stream: one session, rendered at two different paces. */
export const Throttling: Story = {
  render: () => <ThrottleDemo />,
  parameters: streams({
    setup: (s) => {
      s.create("/fast", { contentType: "text/plain" });
      return typeOut("/fast", tokenize(ANSWER), { intervalMs: 40, startAfterMs: 300 });
    },
  }),
};

/** `url: null` disables the hook: status `idle`, the initial state, no request. */
export const Disabled: Story = {
  render: () => <DisabledDemo />,
};
