// The chat app of react-app.tsx with the devtools panel rendered beside it.
import { createRoot } from "react-dom/client";
import {
  DurableStreamClient,
  DurableStreamsProvider,
  StreamStatus,
  StreamText,
  useDurableStream,
  useStreamProducer,
} from "react-durable-streams";
import { DurableStreamsDevtools } from "react-durable-streams/devtools";

interface Message {
  role: string;
  text: string;
}

function Chat() {
  const { data, status, error } = useDurableStream<Message>("/chat/42", { persist: "chat-42" });
  const producer = useStreamProducer("/chat/42");
  return (
    <main>
      <StreamStatus status={status} error={error} />
      <ul>
        {data.map((message, i) => (
          <li key={i}>{message.text}</li>
        ))}
      </ul>
      <StreamText url="/generations/7" placeholder="…" />
      <button onClick={() => producer.append({ role: "user", text: "hi" })}>Send</button>
    </main>
  );
}

const client = new DurableStreamClient({ baseUrl: "https://streams.example.com" });
const container = document.getElementById("root");
if (container) {
  createRoot(container).render(
    <DurableStreamsProvider client={client}>
      <Chat />
      <DurableStreamsDevtools />
    </DurableStreamsProvider>,
  );
}
