// A long chat history through the virtual entry: @tanstack/react-virtual is bundled, as in a user's app.
import { createRoot } from "react-dom/client";
import { DurableStreamClient, DurableStreamsProvider } from "react-durable-streams";
import { VirtualStreamList } from "react-durable-streams/virtual";

interface Message {
  id: string;
  text: string;
}

const renderMessage = (message: Message) => <p>{message.text}</p>;

const client = new DurableStreamClient({ baseUrl: "https://streams.example.com" });
const container = document.getElementById("root");
if (container) {
  createRoot(container).render(
    <DurableStreamsProvider client={client}>
      <VirtualStreamList<Message> url="/chat/42" getKey={(m) => m.id} style={{ height: 400 }}>
        {renderMessage}
      </VirtualStreamList>
    </DurableStreamsProvider>,
  );
}
