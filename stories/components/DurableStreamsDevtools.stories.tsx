import { useState } from "react";
import type { Meta, StoryObj } from "@storybook/react-vite";
import { DurableStreamsDevtools } from "../../src/devtools/index.js";
import { StreamText, useStreamProducer } from "../../src/react/index.js";
import { ANSWER, CHAT } from "../support/fixtures.js";
import { tokenize, typeOut, withStreams, type StreamsParameter } from "../support/with-streams.js";

const streams = (parameter: StreamsParameter) => ({ streams: parameter });
const GENERATION_URL = "/generations/devtools";
const CHAT_URL = "/chat/devtools";
const MISSING_URL = "/generations/missing";

/** A token stream, a producer writing to a chat, and a view of a missing stream: three rows to watch. */
function App() {
  const producer = useStreamProducer(CHAT_URL);
  const [sent, setSent] = useState(0);
  return (
    <div className="story-card">
      <StreamText url={GENERATION_URL} />
      <StreamText url={MISSING_URL} placeholder="(this stream does not exist)" />
      <div className="story-row">
        <button
          type="button"
          onClick={() => {
            producer.append({ id: CHAT.length + sent + 1, author: "You", text: "hi" });
            setSent(sent + 1);
          }}
        >
          Append to the chat
        </button>
        <span className="story-muted">{sent} appended</span>
      </div>
    </div>
  );
}

/**
 * `<DurableStreamsDevtools />` (from `react-durable-streams/devtools`): a
 * floating button that opens a panel of this tab's live sessions, producers
 * and checkpoints, updated through the runtime's subscribe API.
 */
const meta = {
  title: "Components/DurableStreamsDevtools",
  component: DurableStreamsDevtools,
  decorators: [withStreams],
} satisfies Meta<typeof DurableStreamsDevtools>;

export default meta;
type Story = StoryObj<typeof meta>;

/** The panel open over a page with a token stream, a failing view and a producer. */
export const Open: Story = {
  args: { initialIsOpen: true },
  render: (args) => (
    <>
      <App />
      <DurableStreamsDevtools {...args} />
    </>
  ),
  parameters: streams({
    setup: (s) => {
      s.create(CHAT_URL, { data: CHAT });
      s.create(GENERATION_URL, { contentType: "text/plain" });
      return typeOut(GENERATION_URL, tokenize(ANSWER), { intervalMs: 80, startAfterMs: 300 });
    },
  }),
};

/** Closed: only the button, in the corner given by `position`. */
export const Closed: Story = {
  args: { position: "bottom-left" },
  render: Open.render!,
  parameters: Open.parameters!,
};
