import { useState, type FormEvent } from "react";
import type { Meta, StoryObj } from "@storybook/react-vite";
import {
  StreamList,
  StreamStatus,
  memoryOutbox,
  mergePending,
  useDurableStream,
  useStreamProducer,
} from "../../src/react/index.js";
import { CHAT, type ChatMessage } from "../support/fixtures.js";
import { useInMemoryStreams, withStreams, type StreamsParameter } from "../support/with-streams.js";

const streams = (parameter: StreamsParameter) => ({ streams: parameter });
const STREAM_URL = "/chat/composer";

function ComposerDemo() {
  const producer = useStreamProducer(STREAM_URL);
  const { status, closed } = useDurableStream<ChatMessage>(STREAM_URL, { as: "json" });
  const [text, setText] = useState("Hello from the composer");
  const [nextId, setNextId] = useState(CHAT.length + 1);
  const send = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim() === "") return;
    // Fire-and-forget: batched, retried safely, written exactly once.
    producer.append({ id: nextId, author: "You", text });
    setNextId(nextId + 1);
    setText("");
  };
  return (
    <div className="story-card">
      <div className="story-row">
        <StreamStatus status={status} />
        <span className="story-muted">
          producer: {producer.status}, {producer.pendingCount} pending, {producer.inFlightCount} in
          flight, last offset {producer.lastOffset ?? "none"}
        </span>
      </div>
      <StreamList<ChatMessage> url={STREAM_URL} className="story-list" getKey={(m) => m.id}>
        {(message) => (
          <li>
            <span className="author">{message.author}</span>
            {message.text}
          </li>
        )}
      </StreamList>
      <form className="story-row" onSubmit={send}>
        <input
          aria-label="Message"
          value={text}
          disabled={closed}
          onChange={(event) => setText(event.target.value)}
        />
        <button type="submit" disabled={closed}>
          Send
        </button>
        <button
          type="button"
          disabled={closed}
          onClick={() => void producer.close({ id: 0, author: "System", text: "Chat closed." })}
        >
          Close the stream
        </button>
      </form>
      {producer.error && <div className="story-muted">{producer.error.message}</div>}
    </div>
  );
}

/** Live examples for the useStreamProducer documentation page. */
const meta = {
  title: "Hooks/useStreamProducer",
  decorators: [withStreams],
} satisfies Meta;

export default meta;
type Story = StoryObj<typeof meta>;

/** Messages sent through the producer come back through the live view of the same stream. */
export const Composer: Story = {
  render: () => <ComposerDemo />,
  parameters: streams({
    setup: (s) => {
      s.create(STREAM_URL, { data: CHAT });
    },
  }),
};

const BOARD_URL = "/board/durable";

interface Card {
  id: string;
  text: string;
}

/** A board whose writes are durable: shown as pending until the stream brings them back. */
function DurableBoardDemo() {
  const server = useInMemoryStreams();
  const producer = useStreamProducer(BOARD_URL, { durable: true });
  const board = useDurableStream<Card>(BOARD_URL, { as: "json" });
  const [down, setDown] = useState(false);
  const [count, setCount] = useState(1);
  const cards = mergePending(board.data, producer.pending, (card) => card?.id);
  const toggle = () => {
    if (down) server.recover(BOARD_URL);
    else server.fail(BOARD_URL, 503);
    setDown(!down);
  };
  return (
    <div className="story-card">
      <div className="story-row">
        <StreamStatus status={board.status} />
        <span className="story-muted">
          {producer.pending.length} pending · producer {producer.status}
        </span>
      </div>
      <ul className="story-list" data-testid="durable-cards">
        {cards.map(({ item, key, pending }) => (
          <li key={key} data-pending={pending}>
            {item.text}
            {pending && <span className="story-muted"> (pending)</span>}
          </li>
        ))}
      </ul>
      <div className="story-row">
        <button
          type="button"
          onClick={() => {
            producer.append({ id: `card-${count}-${Date.now()}`, text: `Card ${count}` });
            setCount(count + 1);
          }}
        >
          Add a card
        </button>
        <button type="button" onClick={toggle}>
          {down ? "Bring the server back" : "Take the server down"}
        </button>
      </div>
    </div>
  );
}

/**
 * `durable: true`: cards added while the server is down stay in the outbox
 * (memory here; `indexedDbOutbox()` in an app), show as pending, and appear
 * once when it is back.
 */
export const DurableWrites: Story = {
  render: () => <DurableBoardDemo />,
  parameters: streams({
    setup: (s) => {
      s.create(BOARD_URL, { contentType: "application/json" });
    },
    provider: { outbox: memoryOutbox() },
  }),
};
