import type { Meta, StoryObj } from "@storybook/react-vite";
import { StreamStatus, useDurableStream } from "../../src/react/index.js";
import { VirtualStreamList } from "../../src/virtual/index.js";
import {
  LONG_CHAT_APPENDS,
  LONG_CHAT_INTERVAL_MS,
  LONG_CHAT_SIZE,
  longChatMessage,
  type ChatMessage,
} from "../support/fixtures.js";
import { withStreams, type ScriptStep, type StreamsParameter } from "../support/with-streams.js";

function renderMessage(message: ChatMessage) {
  return (
    <>
      <span className="author">{message.author}</span>
      {message.text}
    </>
  );
}

function ListStatus({ url }: { url: string }) {
  const { status, error, data } = useDurableStream<ChatMessage>(url, { as: "json" });
  return (
    <div className="story-row">
      <StreamStatus status={status} error={error} />
      <span className="story-muted" data-testid="message-count">
        {data.length} messages
      </span>
    </div>
  );
}

const getKey = (message: ChatMessage) => message.id;

/**
 * `VirtualStreamList` (from `react-durable-streams/virtual`) renders only
 * the rows in view of a long JSON stream, measured, so rows may differ in
 * height. It starts at the end and follows new messages while scrolled to
 * the end; scrolled up, it stays where the reader is.
 */
const meta = {
  title: "Components/VirtualStreamList",
  tags: ["autodocs"],
  component: VirtualStreamList<ChatMessage>,
  decorators: [withStreams],
  args: {
    url: "/chat/long",
    className: "story-virtual-list",
    children: renderMessage,
    getKey,
    estimateSize: () => 32,
    "aria-label": "Long chat",
  },
  argTypes: {
    live: { control: "select", options: ["auto", "long-poll", "sse", "off"] },
    children: { control: false },
    getKey: { control: false },
    estimateSize: { control: false },
    empty: { control: false },
    style: { control: false },
  },
  render: (args) => (
    <div className="story-card">
      <ListStatus url={args.url} />
      <VirtualStreamList {...args} />
    </div>
  ),
} satisfies Meta<typeof VirtualStreamList<ChatMessage>>;

export default meta;
type Story = StoryObj<typeof meta>;

const streams = (parameter: StreamsParameter) => ({ streams: parameter });

/** 10,000 messages, then one every 250 ms: only the rows in view are in the page. */
export const LongChat: Story = {
  parameters: streams({
    setup: (s) => {
      s.create("/chat/long", {
        data: Array.from({ length: LONG_CHAT_SIZE }, (_, n) => longChatMessage(n)),
      });
      const steps: ScriptStep[] = Array.from({ length: LONG_CHAT_APPENDS }, (_, k) => ({
        afterMs: LONG_CHAT_INTERVAL_MS,
        run: (server) => server.append("/chat/long", longChatMessage(LONG_CHAT_SIZE + k)),
      }));
      steps.push({ afterMs: LONG_CHAT_INTERVAL_MS, run: (server) => server.close("/chat/long") });
      return steps;
    },
  }),
};

/** `empty` is shown while the stream holds no messages. */
export const EmptyState: Story = {
  args: {
    url: "/chat/none",
    empty: <p className="story-muted">No messages yet.</p>,
  },
  parameters: streams({
    setup: (s) => {
      s.create("/chat/none");
    },
  }),
};
