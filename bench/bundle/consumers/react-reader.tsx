// A React reader: the provider with IndexedDB checkpoints and one live view, nothing else.
import { createRoot } from "react-dom/client";
import {
  DurableStreamClient,
  DurableStreamsProvider,
  useDurableStream,
} from "react-durable-streams";
import { indexedDbCheckpoints } from "react-durable-streams/idb";

interface Message {
  role: string;
  text: string;
}

function Chat() {
  const { data, status } = useDurableStream<Message>("/chat/42", { persist: "chat-42" });
  return (
    <main data-status={status}>
      {data.map((message, i) => (
        <p key={i}>{message.text}</p>
      ))}
    </main>
  );
}

const client = new DurableStreamClient({ baseUrl: "https://streams.example.com" });
const container = document.getElementById("root");
if (container) {
  createRoot(container).render(
    <DurableStreamsProvider client={client} checkpoints={indexedDbCheckpoints()}>
      <Chat />
    </DurableStreamsProvider>,
  );
}
