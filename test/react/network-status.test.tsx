// @vitest-environment jsdom
import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inProvider } from "../support/react-harness.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";
import { trackingFetch } from "../support/tracking-fetch.js";
import { View, msgs, type Msg } from "./checkpoint-helpers.js";

// Long-polls that wait long: a request after "online" is the client's reconnect, not a timeout.
const server = sharedTestServer({ longPollTimeout: 20_000 });

/** What jsdom's `navigator.onLine` reports; the events are the window's, as in a browser. */
let online = true;
function setOnline(value: boolean): void {
  online = value;
  window.dispatchEvent(new Event(value ? "online" : "offline"));
}

beforeEach(() => {
  online = true;
  Object.defineProperty(window.navigator, "onLine", { configurable: true, get: () => online });
});
afterEach(cleanup);

const shown = () => screen.getByTestId("view");

describe("a live view and the host's network", () => {
  it("says offline while the host is offline, and is live again with the missed data when it is back", async () => {
    const tracker = trackingFetch();
    const client = testClient(server(), { fetch: tracker.fetch, warnOnHttp: false });
    const url = uniquePath("offline-view");
    // The writer stands for another machine: this page's network state is not its own.
    const writer = testClient(server(), { network: false }).stream(url);
    await writer.create({ contentType: "application/json" });
    await writer.appendJson({ n: 1 });
    render(inProvider(client, <View<Msg> url={url} options={{ live: "long-poll" }} />));
    await waitFor(() => expect(shown().dataset.status).toBe("live"));
    await waitFor(() => expect(tracker.forPath(url).at(-1)?.live).toBe(true));

    act(() => setOnline(false));
    await waitFor(() => expect(shown().dataset.status).toBe("offline"));
    const sentOffline = tracker.forPath(url).length;
    await writer.appendJson({ n: 2 });

    act(() => setOnline(true));
    await waitFor(() => expect(shown().textContent).toBe(JSON.stringify(msgs(1, 2))));
    await waitFor(() => expect(shown().dataset.status).toBe("live"));
    // Offline, nothing was sent; back online, one catch-up and the next long-poll.
    expect(tracker.forPath(url).length - sentOffline).toBeLessThanOrEqual(3);
  });
});
