// @vitest-environment jsdom
import { StrictMode, type ReactNode } from "react";
import { act, render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { DurableStreamsProvider, StreamStatus, useDurableStream } from "../../src/react/index.js";
import { recordingFetch } from "../support/counting-fetch.js";
import { testClient, uniquePath, sharedTestServer } from "../support/server.js";

const server = sharedTestServer();

function Chat({ url }: { url: string }): ReactNode {
  const { data, status } = useDurableStream<{ text: string }>(url);
  return (
    <div>
      <StreamStatus status={status} />
      <ul>
        {data.map((m, i) => (
          <li key={i}>{m.text}</li>
        ))}
      </ul>
    </div>
  );
}

describe("react smoke", () => {
  it("shares one session between two readers under StrictMode and follows live data", async () => {
    const recorder = recordingFetch();
    const client = testClient(server(), { fetch: recorder.fetch });
    const url = uniquePath("react");
    const stream = client.stream(url);
    await stream.create({ contentType: "application/json" });
    await stream.appendJson({ text: "hello" });
    render(
      <StrictMode>
        <DurableStreamsProvider client={client}>
          <Chat url={url} />
          <Chat url={url} />
        </DurableStreamsProvider>
      </StrictMode>,
    );
    await waitFor(() => expect(screen.getAllByText("hello")).toHaveLength(2));
    await act(async () => {
      await stream.appendJson({ text: "world" });
    });
    await waitFor(() => expect(screen.getAllByText("world")).toHaveLength(2));
    const firstReads = recorder.requests.filter(
      (r) => r.method === "GET" && !r.url.searchParams.has("live"),
    );
    expect(firstReads).toHaveLength(1);
    expect(screen.getAllByRole("status")[0]!.textContent).toBe("Live");
  });
});
