import type { Meta, StoryObj } from "@storybook/react-vite";
import type { LiveMode } from "../../src/client/index.js";
import { StreamList, StreamStatus, useDurableStream } from "../../src/react/index.js";
import { CHAT, LATER_CHAT, type ChatMessage } from "../support/fixtures.js";
import { withStreams, type ScriptStep, type StreamsParameter } from "../support/with-streams.js";

function renderMessage(message: ChatMessage) {
  return (
    <li>
      <span className="author">{message.author}</span>
      {message.text}
    </li>
  );
}

/** The view's status beside the list (same shape as `StreamList`, so one shared session). */
function ListStatus({ url, live }: { url: string; live?: LiveMode }) {
  const { status, error, data } = useDurableStream<ChatMessage>(url, { as: "json", live });
  return (
    <div className="story-row">
      <StreamStatus status={status} error={error} />
      <span className="story-muted">
        {data.length} {data.length === 1 ? "message" : "messages"}
      </span>
    </div>
  );
}

/**
 * The messages of a JSON stream through a render function, live. Every story
 * runs against its own in-memory Durable Streams server: no network.
 */
const meta = {
  title: "Components/StreamList",
  tags: ["autodocs"],
  component: StreamList<ChatMessage>,
  decorators: [withStreams],
  args: {
    url: "/chat/release",
    className: "story-list",
    children: renderMessage,
    getKey: (message) => message.id,
  },
  argTypes: {
    live: { control: "select", options: ["auto", "long-poll", "sse", "off"] },
    children: { control: false },
    getKey: { control: false },
    empty: { control: false },
    as: { control: false },
  },
  render: (args) => (
    <div className="story-card">
      <ListStatus url={args.url} live={args.live} />
      <StreamList {...args} />
    </div>
  ),
} satisfies Meta<typeof StreamList<ChatMessage>>;

export default meta;
type Story = StoryObj<typeof meta>;

const streams = (parameter: StreamsParameter) => ({ streams: parameter });

/** JSON messages rendered through `children`, keyed by `getKey`; the stream is closed. */
export const Messages: Story = {
  parameters: streams({
    setup: (s) => {
      s.create("/chat/release", { data: CHAT, closed: true });
    },
  }),
};

/** `empty` is shown while the stream holds no messages. */
export const EmptyState: Story = {
  args: {
    url: "/chat/quiet",
    empty: <p className="story-muted">No messages yet. They will appear here as they arrive.</p>,
  },
  parameters: streams({
    setup: (s) => {
      s.create("/chat/quiet");
    },
  }),
};

/** Messages arrive over SSE (`live: "auto"` on a JSON stream) and render as they come; then it closes. */
export const LiveAppends: Story = {
  args: { url: "/chat/live" },
  parameters: streams({
    setup: (s) => {
      s.create("/chat/live", { data: CHAT });
      const steps: ScriptStep[] = LATER_CHAT.map((message) => ({
        afterMs: 900,
        run: (server) => server.append("/chat/live", message),
      }));
      steps.push({ afterMs: 900, run: (server) => server.close("/chat/live") });
      return steps;
    },
  }),
};

/** The same live appends, read with long-polls instead of SSE. */
export const LiveAppendsLongPoll: Story = {
  args: { url: "/chat/live", live: "long-poll" },
  parameters: LiveAppends.parameters,
};
