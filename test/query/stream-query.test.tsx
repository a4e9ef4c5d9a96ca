// @vitest-environment jsdom
import { StrictMode, type ReactNode } from "react";
import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  DurableStreamsProvider,
  useDurableStream,
  type StreamsRuntime,
} from "../../src/react/index.js";
import { useStreamsContext } from "../../src/react/context.js";
import type { DurableStreamClient } from "../../src/client/index.js";
import { durableStreamQueryOptions, type StreamQueryData } from "../../src/query/index.js";
import { recordingFetch } from "../support/counting-fetch.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";

const server = sharedTestServer();

/** Every provider runtime and query client a test made: disposed after it, so no timer outlives the file. */
const runtimes = new Set<StreamsRuntime>();
const queryClients = new Set<QueryClient>();

function RuntimeProbe(): ReactNode {
  runtimes.add(useStreamsContext().runtime);
  return null;
}

afterEach(async () => {
  // No vitest globals, so Testing Library cannot register its cleanup by itself.
  cleanup();
  await Promise.all([...runtimes].map((runtime) => runtime.dispose()));
  runtimes.clear();
  for (const queryClient of queryClients) queryClient.clear();
  queryClients.clear();
});

function newQueryClient(): QueryClient {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  queryClients.add(queryClient);
  return queryClient;
}

function TextGeneration({ client, url }: { client: DurableStreamClient; url: string }): ReactNode {
  const { data } = useQuery(durableStreamQueryOptions<string, string>({ client, url, as: "text" }));
  return (
    <p data-testid="generation" data-closed={String(data?.closed ?? false)}>
      {data?.state}
    </p>
  );
}

function renderInQuery(queryClient: QueryClient, ui: ReactNode) {
  return render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>{ui}</QueryClientProvider>
    </StrictMode>,
  );
}

describe("durableStreamQueryOptions", () => {
  it("reads a finite text stream to its end", async () => {
    const client = testClient(server(), { warnOnHttp: false });
    const url = uniquePath("query-text");
    const stream = client.stream(url);
    await stream.create({ contentType: "text/plain" });
    await stream.append("Hello, ");
    await stream.append("world");
    await stream.close();
    const queryClient = newQueryClient();
    renderInQuery(queryClient, <TextGeneration client={client} url={url} />);
    await waitFor(() => expect(screen.getByTestId("generation").dataset["closed"]).toBe("true"));
    const options = durableStreamQueryOptions<string, string>({ client, url, as: "text" });
    const data = queryClient.getQueryData(options.queryKey);
    expect(data).toMatchObject({ state: "Hello, world", closed: true });
    expect(data!.offset).toBe((await stream.head()).offset);
    expect(screen.getByTestId("generation").textContent).toBe("Hello, world");
    expect(queryClient.getQueryState(options.queryKey)?.fetchStatus).toBe("idle");
  });

  it("resumes from the offset it reached after an unmount aborted the read", async () => {
    const recorder = recordingFetch();
    const client = testClient(server(), { fetch: recorder.fetch, warnOnHttp: false });
    const url = uniquePath("query-resume");
    const stream = client.stream(url);
    await stream.create({ contentType: "text/plain" });
    await stream.append("first part;");
    const queryClient = newQueryClient();
    const options = durableStreamQueryOptions<string, string>({ client, url, as: "text" });

    const first = renderInQuery(queryClient, <TextGeneration client={client} url={url} />);
    await waitFor(() => expect(screen.getByTestId("generation").textContent).toBe("first part;"));
    const reached = queryClient.getQueryData(options.queryKey)!.offset;
    expect(reached).toBe((await stream.head()).offset);
    const readsBefore = recorder.requests.filter((r) => r.method === "GET");
    expect(readsBefore.length).toBeGreaterThan(0);
    first.unmount();
    // The last observer left: the query cancelled the read, so every read request is aborted.
    await waitFor(() => expect(readsBefore.every((r) => r.signal?.aborted)).toBe(true));

    await stream.append("second part;");
    await stream.append("end");
    await stream.close();
    const sentBeforeRemount = recorder.requests.length;
    renderInQuery(queryClient, <TextGeneration client={client} url={url} />);
    await waitFor(() => expect(screen.getByTestId("generation").dataset["closed"]).toBe("true"));
    // Nothing twice, nothing missing.
    expect(screen.getByTestId("generation").textContent).toBe("first part;second part;end");
    expect(queryClient.getQueryData(options.queryKey)?.state).toBe("first part;second part;end");
    const readsAfter = recorder.requests.slice(sentBeforeRemount).filter((r) => r.method === "GET");
    expect(readsAfter.length).toBeGreaterThan(0);
    expect(readsAfter[0]!.url.searchParams.get("offset")).toBe(reached);
    expect(readsAfter.some((r) => r.url.searchParams.get("offset") === "-1")).toBe(false);
  });

  it("folds a JSON stream through a custom reducer", async () => {
    const client = testClient(server(), { warnOnHttp: false });
    const url = uniquePath("query-json");
    const stream = client.stream(url);
    await stream.create({ contentType: "application/json" });
    await stream.append(JSON.stringify([{ n: 1 }, { n: 2 }]));
    await stream.appendJson({ n: 39 });
    await stream.close();
    const queryClient = newQueryClient();
    const reducer = vi.fn((total: number, items: readonly { n: number }[]) =>
      items.reduce((sum, item) => sum + item.n, total),
    );
    function Total(): ReactNode {
      const { data } = useQuery(
        durableStreamQueryOptions({ client, url, reducer, initial: 0, version: "sum-1" }),
      );
      return <output data-closed={String(data?.closed ?? false)}>{data?.state}</output>;
    }
    renderInQuery(queryClient, <Total />);
    await waitFor(() => expect(screen.getByRole("status").dataset["closed"]).toBe("true"));
    expect(screen.getByRole("status").textContent).toBe("42");
    const data = queryClient.getQueryData<StreamQueryData<number>>([
      "durable-stream",
      url,
      "sum-1",
    ]);
    expect(data).toMatchObject({ state: 42, closed: true });
    expect(reducer.mock.calls.flatMap(([, items]) => items)).toEqual([
      { n: 1 },
      { n: 2 },
      { n: 39 },
    ]);
  });
});

describe("useDurableStream queryKey mirror", () => {
  it("mirrors the live state into the query cache for useQuery readers", async () => {
    const client = testClient(server(), { warnOnHttp: false });
    const url = uniquePath("query-mirror");
    const stream = client.stream(url);
    await stream.create({ contentType: "application/json" });
    await stream.appendJson({ text: "hello" });
    const queryClient = newQueryClient();
    const queryKey = ["chat", url] as const;
    const queryFn = vi.fn((): { text: string }[] => {
      throw new Error("never called: the data comes from the mirror");
    });

    function Writer(): ReactNode {
      const { status } = useDurableStream<{ text: string }>(url, { queryKey });
      return <span data-testid="status">{status}</span>;
    }
    function Reader(): ReactNode {
      const { data } = useQuery({ queryKey, queryFn, enabled: false });
      return (
        <ul>
          {data?.map((m, i) => (
            <li key={i}>{m.text}</li>
          ))}
        </ul>
      );
    }
    render(
      <StrictMode>
        <QueryClientProvider client={queryClient}>
          <DurableStreamsProvider client={client} queryClient={queryClient}>
            <RuntimeProbe />
            <Writer />
            <Reader />
          </DurableStreamsProvider>
        </QueryClientProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getByRole("listitem").textContent).toBe("hello"));
    await waitFor(() => expect(screen.getByTestId("status").textContent).toBe("live"));
    await act(async () => {
      await stream.appendJson({ text: "world" });
    });
    await waitFor(() =>
      expect(screen.getAllByRole("listitem").map((li) => li.textContent)).toEqual([
        "hello",
        "world",
      ]),
    );
    expect(queryClient.getQueryData(queryKey)).toEqual([{ text: "hello" }, { text: "world" }]);
    expect(queryFn).not.toHaveBeenCalled();
  });
});
