import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { DurableStreamsProvider } from "react-durable-streams";
import { DurableStreamsDevtools } from "react-durable-streams/devtools";
import { App } from "./app.js";
import { checkpoints, client, outbox } from "./streams.js";
import "./styles.css";
import "./status.css";
import "./pages.css";

// `?crossTab=0` turns cross-tab sharing off: every tab opens its own live reads.
const crossTab = new URLSearchParams(window.location.search).get("crossTab") !== "0";
const root = document.getElementById("root");
if (!root) throw new Error("demo: #root is missing from index.html");

createRoot(root).render(
  <StrictMode>
    <DurableStreamsProvider
      client={client}
      checkpoints={checkpoints}
      outbox={outbox}
      crossTab={crossTab}
    >
      <App />
      <DurableStreamsDevtools />
    </DurableStreamsProvider>
  </StrictMode>,
);
