// The devtools panel with the provider it needs: the panel's cost on top of any app.
import { createRoot } from "react-dom/client";
import { DurableStreamClient, DurableStreamsProvider } from "react-durable-streams";
import { DurableStreamsDevtools } from "react-durable-streams/devtools";

const client = new DurableStreamClient({ baseUrl: "https://streams.example.com" });
const container = document.getElementById("root");
if (container) {
  createRoot(container).render(
    <DurableStreamsProvider client={client}>
      <DurableStreamsDevtools />
    </DurableStreamsProvider>,
  );
}
