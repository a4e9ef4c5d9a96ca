import { Suspense, useState } from "react";
import type { Meta, StoryObj } from "@storybook/react-vite";
import { StreamStatus, useSuspenseDurableStream } from "../../src/react/index.js";
import { CHAT, LATER_CHAT, type ChatMessage } from "../support/fixtures.js";
import { withStreams, type ScriptStep, type StreamsParameter } from "../support/with-streams.js";

const streams = (parameter: StreamsParameter) => ({ streams: parameter });

function Conversation({ url }: { url: string }) {
  // Suspends until restored and caught up once; then renders like useDurableStream.
  const { data, status } = useSuspenseDurableStream<ChatMessage>(url);
  return (
    <div className="story-card">
      <StreamStatus status={status} />
      <ul className="story-list">
        {data.map((message) => (
          <li key={message.id}>
            <span className="author">{message.author}</span>
            {message.text}
          </li>
        ))}
      </ul>
    </div>
  );
}

function SuspenseDemo() {
  const [shown, setShown] = useState(true);
  return (
    <div className="story-card">
      <div className="story-row">
        <button type="button" onClick={() => setShown(!shown)}>
          {shown ? "Unmount" : "Mount again"}
        </button>
        <span className="story-muted">
          Mounted again within the grace period, the session is still caught up: no fallback.
        </span>
      </div>
      {shown && (
        <Suspense fallback={<p className="story-placeholder">Loading the conversation…</p>}>
          <Conversation url="/chat/suspense" />
        </Suspense>
      )}
    </div>
  );
}

/** Live examples for the useSuspenseDurableStream documentation page. */
const meta = {
  title: "Hooks/useSuspenseDurableStream",
  decorators: [withStreams],
} satisfies Meta;

export default meta;
type Story = StoryObj<typeof meta>;

/** The server answers after 600 ms: the Suspense fallback shows until the catch-up is in. */
export const SuspendsUntilCaughtUp: Story = {
  render: () => <SuspenseDemo />,
  parameters: streams({
    server: { latencyMs: 600 },
    setup: (s) => {
      s.create("/chat/suspense", { data: CHAT });
      const steps: ScriptStep[] = LATER_CHAT.map((message) => ({
        afterMs: 1500,
        run: (server) => server.append("/chat/suspense", message),
      }));
      return steps;
    },
  }),
};
