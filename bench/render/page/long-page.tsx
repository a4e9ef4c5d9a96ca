import { useLayoutEffect, type ReactNode } from "react";
import { createRoot } from "react-dom/client";
import {
  DurableStreamClient,
  DurableStreamsProvider,
  StreamList,
  StreamText,
  useDurableStream,
} from "react-durable-streams";
import { VirtualStreamList } from "react-durable-streams/virtual";
import {
  isListView,
  parseLongView,
  type BenchMessage,
  type LongPageParams,
  type LongPageState,
  type LongView,
} from "../long/protocol.js";

/**
 * The long-stream bench page: one view of a long stream, as an app would
 * render it, and a component on the same stream that counts commits.
 */

function readParams(): LongPageParams {
  const query = new URLSearchParams(location.search);
  const stream = query.get("stream");
  const view = parseLongView(query.get("view"));
  if (!stream || !view) throw new Error(`long bench page: bad query ${location.search}`);
  return { stream, view };
}

const state: LongPageState = { status: "idle", length: 0, commits: 0 };
const waiters: Array<{ length: number; resolve: (reached: boolean) => void }> = [];

function record(status: string, length: number): void {
  state.status = status;
  state.length = length;
  state.commits++;
  for (const waiter of waiters.splice(0)) {
    if (length >= waiter.length) waiter.resolve(true);
    else waiters.push(waiter);
  }
}

/** Shares the view's session (same URL and shape), so each update is one commit of both. */
function Counter({ url, as }: { url: string; as: "text" | "json" }): ReactNode {
  const { data, status } = useDurableStream<unknown, string | readonly unknown[]>(url, { as });
  useLayoutEffect(() => record(status, data.length));
  return null;
}

const renderMessage = (message: BenchMessage): ReactNode => <li>{message.text}</li>;
const renderVirtualMessage = (message: BenchMessage): ReactNode => <p>{message.text}</p>;

function View({ url, view }: { url: string; view: LongView }): ReactNode {
  switch (view) {
    case "text-default":
      return <StreamText url={url} as="div" className="text" />;
    case "text-normal":
      return <StreamText url={url} as="div" className="text normal" />;
    case "text-blocks":
      return <StreamText url={url} as="div" className="text" blocks />;
    case "text-single":
      return <StreamText url={url} as="div" className="text" blocks={false} />;
    case "list":
      return (
        <StreamList<BenchMessage> url={url} getKey={(m) => m.id} className="list">
          {renderMessage}
        </StreamList>
      );
    case "virtual-list":
      return (
        <VirtualStreamList<BenchMessage>
          url={url}
          getKey={(m) => m.id}
          className="list"
          style={{ height: 700 }}
          estimateSize={() => 20}
        >
          {renderVirtualMessage}
        </VirtualStreamList>
      );
  }
}

export function startLongPage(): void {
  const params = readParams();
  const list = isListView(params.view);
  window.__longBench = {
    state: () => ({ ...state }),
    reached: (length, timeoutMs) =>
      new Promise((resolve) => {
        if (state.length >= length) return resolve(true);
        const waiter = { length, resolve };
        waiters.push(waiter);
        setTimeout(() => {
          const at = waiters.indexOf(waiter);
          if (at >= 0) waiters.splice(at, 1);
          resolve(false);
        }, timeoutMs);
      }),
    shown: () => {
      const root = document.getElementById("view");
      const rows = list ? [...(root?.querySelectorAll("li, [role=listitem]") ?? [])] : [];
      return {
        text: list ? "" : (root?.textContent ?? ""),
        rows: rows.length,
        lastRow: rows.at(-1)?.textContent ?? undefined,
      };
    },
  };
  const client = new DurableStreamClient({ baseUrl: location.origin, warnOnHttp: false });
  const root = document.getElementById("root");
  if (!root) throw new Error("long bench page: #root is missing");
  createRoot(root).render(
    <DurableStreamsProvider client={client}>
      <Counter url={params.stream} as={list ? "json" : "text"} />
      <div id="view">
        <View url={params.stream} view={params.view} />
      </div>
    </DurableStreamsProvider>,
  );
}
