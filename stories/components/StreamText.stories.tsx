import type { ReactNode } from "react";
import type { Meta, StoryObj } from "@storybook/react-vite";
import type { LiveMode } from "../../src/client/index.js";
import { StreamStatus, StreamText, useDurableStream } from "../../src/react/index.js";
import { ANSWER, SHORT_ANSWER } from "../support/fixtures.js";
import { tokenize, typeOut, withStreams, type StreamsParameter } from "../support/with-streams.js";

/**
 * Shows the view's status next to the text: a `useDurableStream` with the
 * same shape as `StreamText` (`as: "text"`, same `live`), so both share one
 * session and one request.
 */
function TextFrame({ url, live, children }: { url: string; live?: LiveMode; children: ReactNode }) {
  const { status, error, retry } = useDurableStream<string, string>(url, { as: "text", live });
  return (
    <div className="story-card">
      <div className="story-row">
        <StreamStatus status={status} error={error} />
        {status === "error" && (
          <button type="button" onClick={retry}>
            Retry
          </button>
        )}
      </div>
      {children}
      {error && <div className="story-muted">{error.message}</div>}
    </div>
  );
}

/**
 * A text stream rendered as text, at most once per animation frame. Every
 * story runs against its own in-memory Durable Streams server: no network.
 */
const meta = {
  title: "Components/StreamText",
  tags: ["autodocs"],
  component: StreamText,
  decorators: [withStreams],
  args: { url: "/generations/finished", className: "story-text" },
  argTypes: {
    live: { control: "select", options: ["auto", "long-poll", "sse", "off"] },
    as: { control: false },
    placeholder: { control: false },
  },
  render: (args) => (
    <TextFrame url={args.url} live={args.live}>
      <StreamText {...args} />
    </TextFrame>
  ),
} satisfies Meta<typeof StreamText>;

export default meta;
type Story = StoryObj<typeof meta>;

const streams = (parameter: StreamsParameter) => ({ streams: parameter });

/** All of the text is there and the stream is still open: the view is live, waiting for more. */
export const Finished: Story = {
  args: { url: "/generations/finished" },
  parameters: streams({
    setup: (s) => {
      s.create("/generations/finished", { contentType: "text/plain", data: ANSWER });
    },
  }),
};

/** An AI token stream typing itself out (fixed tokens, fixed pace), then closing. */
export const TokenStream: Story = {
  args: {
    url: "/generations/live",
    placeholder: <span className="story-placeholder">Thinking…</span>,
  },
  parameters: streams({
    setup: (s) => {
      s.create("/generations/live", { contentType: "text/plain" });
      return typeOut("/generations/live", tokenize(ANSWER), { intervalMs: 80, startAfterMs: 600 });
    },
  }),
};

/**
 * `blocks`: long text laid out in blocks of lines, so each token lays out
 * only the last block. For text whose line breaks show (`white-space:
 * pre-wrap` here); the text looks the same as without it.
 */
export const Blocks: Story = {
  args: {
    url: "/generations/long",
    blocks: true,
    className: "story-text story-text-lines",
  },
  parameters: streams({
    setup: (s) => {
      const paragraphs = Array.from({ length: 12 }, (_, index) => `${index + 1}. ${ANSWER}\n\n`);
      s.create("/generations/long", { contentType: "text/plain" });
      return typeOut("/generations/long", tokenize(paragraphs.join("")), {
        intervalMs: 5,
        startAfterMs: 300,
      });
    },
  }),
};

/** A closed stream: everything is read and the view ends in `closed`. */
export const ClosedStream: Story = {
  args: { url: "/generations/closed" },
  parameters: streams({
    setup: (s) => {
      s.create("/generations/closed", {
        contentType: "text/plain",
        data: SHORT_ANSWER,
        closed: true,
      });
    },
  }),
};

/** A stream that does not exist answers 404: the view stops in `error` until `retry()`. */
export const MissingStream: Story = {
  args: {
    url: "/generations/missing",
    placeholder: <span className="story-placeholder">Nothing to show.</span>,
  },
};

/** Shown while nothing has arrived yet: the stream is open and empty. */
export const Placeholder: Story = {
  args: {
    url: "/generations/pending",
    placeholder: <span className="story-placeholder">Waiting for the first token…</span>,
  },
  parameters: streams({
    setup: (s) => {
      s.create("/generations/pending", { contentType: "text/plain" });
    },
  }),
};

/** The server answers 503 to every request: the view keeps `reconnecting` with backoff. */
export const Reconnecting: Story = {
  args: {
    url: "/generations/unavailable",
    placeholder: <span className="story-placeholder">The server is unavailable…</span>,
  },
  parameters: streams({
    setup: (s) => {
      s.create("/generations/unavailable", { contentType: "text/plain", data: ANSWER });
      s.fail("/generations/unavailable", 503);
    },
  }),
};

/** Two failed requests, then the server answers: `reconnecting`, then the text, live. */
export const Recovering: Story = {
  args: { url: "/generations/flaky" },
  parameters: streams({
    setup: (s) => {
      s.create("/generations/flaky", { contentType: "text/plain", data: ANSWER });
      s.fail("/generations/flaky", 503, 2);
    },
  }),
};
