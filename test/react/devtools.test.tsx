// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from "@testing-library/react";
import { StrictMode, type ReactNode } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DurableStreamsDevtools } from "../../src/devtools/index.js";
import { DurableStreamsProvider, useDurableStream } from "../../src/react/index.js";
import { StreamsRuntime } from "../../src/sync/runtime.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";

const server = sharedTestServer();

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** Counts the subscriptions open on any runtime (what the panel holds). */
function countSubscriptions(): { open: number } {
  const counter = { open: 0 };
  const original = StreamsRuntime.prototype.subscribe;
  vi.spyOn(StreamsRuntime.prototype, "subscribe").mockImplementation(function (
    this: StreamsRuntime,
    listener: () => void,
  ) {
    counter.open++;
    const unsubscribe = original.call(this, listener);
    return () => {
      counter.open--;
      unsubscribe();
    };
  });
  return counter;
}

function Reader({ url }: { url: string }): ReactNode {
  const { status } = useDurableStream(url, { as: "json", live: "long-poll" });
  return <p data-testid="status">{status}</p>;
}

describe("<DurableStreamsDevtools>", () => {
  it("subscribes only while open, and shows the page's session", async () => {
    const url = uniquePath("devtools");
    const client = testClient(server(), { warnOnHttp: false });
    await client.stream(url).create({ contentType: "application/json" });
    const counter = countSubscriptions();
    render(
      <StrictMode>
        <DurableStreamsProvider client={client} gracePeriodMs={0}>
          <Reader url={url} />
          <DurableStreamsDevtools refreshMs={10} />
        </DurableStreamsProvider>
      </StrictMode>,
    );
    await screen.findByText("live");
    expect(counter.open, "closed: no subscription").toBe(0);
    expect(screen.queryByRole("region")).toBeNull();

    fireEvent.click(screen.getByRole("button", { name: "Durable Streams" }));
    const panel = screen.getByRole("region", { name: "Durable Streams devtools" });
    expect(counter.open, "open: one subscription").toBe(1);
    const sessions = within(panel).getByRole("table", { name: "Sessions" });
    const row = await within(sessions).findByText(url);
    expect(row.closest("tr")?.getAttribute("data-status")).toBe("live");

    // New data reaches the open panel through the subscription.
    await client.stream(url).appendJson({ n: 1 });
    await act(async () => {
      await new Promise((resolve) => setTimeout(resolve, 300));
    });
    const cells = [...row.closest("tr")!.querySelectorAll("td")].map((td) => td.textContent);
    expect(cells[4], "messages").toBe("1");
    // jsdom has no Web Locks: the session reads on its own.
    expect(cells[2], "tab").toBe("own read");

    fireEvent.click(screen.getByRole("button", { name: "Close Durable Streams devtools" }));
    expect(screen.queryByRole("region")).toBeNull();
    expect(counter.open, "closed again: unsubscribed").toBe(0);
  });
});
