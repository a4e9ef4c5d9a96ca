// @vitest-environment jsdom
// Server-rendered initialData meeting a stored checkpoint on the client: the newer offset wins.
import { StrictMode, type ReactNode } from "react";
import { act, cleanup, screen, waitFor } from "@testing-library/react";
import { hydrateRoot, type Root } from "react-dom/client";
import { renderToString } from "react-dom/server";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  DurableStreamsProvider,
  memoryCheckpoints,
  type CheckpointStore,
  type DurableStreamClient,
} from "../../src/react/index.js";
import { recordingFetch } from "../support/counting-fetch.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";
import {
  View,
  reads,
  serverItems,
  type RenderEntry,
  TrackRuntime,
  disposeRuntimes,
  type Msg,
  msgs,
} from "./checkpoint-helpers.js";

const server = sharedTestServer();

const roots: Root[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) act(() => root.unmount());
  cleanup();
  document.body.innerHTML = "";
  await disposeRuntimes();
});

function Page({
  client,
  store,
  url,
  initialData,
  log,
}: {
  client: DurableStreamClient;
  store?: CheckpointStore;
  url: string;
  initialData: { state: Msg[]; offset: string };
  log?: RenderEntry<Msg[]>[];
}): ReactNode {
  return (
    <StrictMode>
      <DurableStreamsProvider
        client={client}
        checkpoints={store}
        gracePeriodMs={50}
        throttle={false}
      >
        <TrackRuntime />
        <View<Msg> url={url} options={{ persist: "chat", initialData }} log={log} />
      </DurableStreamsProvider>
    </StrictMode>
  );
}

/** A stream of messages 1..4 with the offset after each. */
async function fourMessages() {
  const client = testClient(server());
  const url = uniquePath("initial");
  const stream = client.stream(url);
  await stream.create({ contentType: "application/json" });
  const offsets: string[] = [];
  for (const n of [1, 2, 3, 4]) offsets.push((await stream.appendJson({ n })).offset);
  return { client, url, offsets };
}

/** Server-renders the page, then hydrates it on the client with a stored checkpoint. */
async function serverThenClient(
  url: string,
  initialData: { state: Msg[]; offset: string },
  checkpoint: { state: Msg[]; offset: string },
) {
  const html = renderToString(
    <Page client={testClient(server())} url={url} initialData={initialData} />,
  );
  const store = memoryCheckpoints();
  await store.put("chat", {
    url,
    version: "1",
    state: checkpoint.state,
    offset: checkpoint.offset,
    cursor: undefined,
    closed: false,
    savedAt: Date.now(),
  });
  const container = document.createElement("div");
  container.innerHTML = html;
  document.body.appendChild(container);
  const recorder = recordingFetch();
  const log: RenderEntry<Msg[]>[] = [];
  const onRecoverableError = vi.fn();
  await act(async () => {
    roots.push(
      hydrateRoot(
        container,
        <Page
          client={testClient(server(), { fetch: recorder.fetch })}
          store={store}
          url={url}
          initialData={initialData}
          log={log}
        />,
        { onRecoverableError },
      ),
    );
  });
  return { html, recorder, log, onRecoverableError };
}

const shown = () => JSON.parse(screen.getByTestId("view").textContent!) as Msg[];

describe("initialData on the client", () => {
  it("a newer checkpoint wins: reading resumes at the checkpoint's offset", async () => {
    const { client, url, offsets } = await fourMessages();
    const { html, recorder, log, onRecoverableError } = await serverThenClient(
      url,
      { state: msgs(1), offset: offsets[0]! },
      { state: msgs(1, 2, 3), offset: offsets[2]! },
    );
    expect(html).toContain(JSON.stringify(msgs(1)).replace(/"/g, "&quot;"));
    await waitFor(() => expect(screen.getByTestId("view").dataset.status).toBe("live"));
    expect(shown()).toEqual(await serverItems(client, url));
    expect(shown()).toEqual(msgs(1, 2, 3, 4));
    expect(reads(recorder.requests, url)[0]!.url.searchParams.get("offset")).toBe(offsets[2]);
    // Hydration matched the server HTML, then the checkpoint's state replaced initialData.
    expect(onRecoverableError).not.toHaveBeenCalled();
    expect(log[0]!.data).toEqual(msgs(1));
    const lengths = log.map((entry) => entry.data.length);
    expect(lengths).toContain(3);
    expect([...lengths].sort((a, b) => a - b)).toEqual(lengths); // never backwards, never doubled
  });

  it("newer initialData wins: reading resumes at its offset and the checkpoint is ignored", async () => {
    const { client, url, offsets } = await fourMessages();
    const { recorder, log, onRecoverableError } = await serverThenClient(
      url,
      { state: msgs(1, 2, 3), offset: offsets[2]! },
      { state: msgs(1), offset: offsets[0]! },
    );
    await waitFor(() => expect(screen.getByTestId("view").dataset.status).toBe("live"));
    expect(shown()).toEqual(await serverItems(client, url));
    expect(shown()).toEqual(msgs(1, 2, 3, 4));
    expect(reads(recorder.requests, url)[0]!.url.searchParams.get("offset")).toBe(offsets[2]);
    expect(onRecoverableError).not.toHaveBeenCalled();
    // The older checkpoint's state never showed.
    expect(log.every((entry) => entry.data.length >= 3)).toBe(true);
  });
});
