import { createRoot } from "react-dom/client";
import { DurableStreamClient, DurableStreamsProvider, type Throttle } from "react-durable-streams";
import { epochNow, expectedText, token, type PageParams, type ThrottleParam } from "../protocol.js";
import { startLongPage } from "./long-page.js";
import { Probe } from "./probe.js";
import { Reader } from "./reader.js";

function readParams(): PageParams {
  const query = new URLSearchParams(location.search);
  const stream = query.get("stream");
  const throttle = query.get("throttle");
  const tokens = Number(query.get("tokens"));
  const blocks = query.get("blocks");
  if (
    !stream ||
    (throttle !== "frame" && throttle !== "false") ||
    !(tokens > 0) ||
    (blocks !== "auto" && blocks !== "true" && blocks !== "false")
  ) {
    throw new Error(`render bench page: bad query ${location.search}`);
  }
  return { stream, throttle, tokens, blocks: blocks === "auto" ? "auto" : blocks === "true" };
}

function toThrottle(param: ThrottleParam): Throttle {
  return param === "false" ? false : "frame";
}

/** The token-rate bench: a fast token stream through the hook and `<StreamText>`. */
function startTokenPage(): void {
  const params = readParams();
  const throttle = toThrottle(params.throttle);
  const probe = new Probe(expectedText(params.tokens).length, token(params.tokens - 1));

  window.__renderBench = {
    status: () => probe.status(),
    now: epochNow,
    start: () => probe.start(),
    finished: (timeoutMs) => probe.finished(timeoutMs),
    snapshot: () => probe.snapshot(),
  };

  // Same origin as the page: the bench server proxies /streams/ to the reference server.
  const client = new DurableStreamClient({ baseUrl: location.origin, warnOnHttp: false });
  const root = document.getElementById("root");
  if (!root) throw new Error("render bench page: #root is missing");

  // No StrictMode: it changes nothing in a production build, which is what is measured.
  createRoot(root).render(
    <DurableStreamsProvider client={client} throttle={throttle}>
      <Reader url={params.stream} throttle={throttle} blocks={params.blocks} probe={probe} />
    </DurableStreamsProvider>,
  );
}

// `view` in the query: the long-stream bench (`--long`); otherwise the token-rate bench.
if (new URLSearchParams(location.search).has("view")) startLongPage();
else startTokenPage();
