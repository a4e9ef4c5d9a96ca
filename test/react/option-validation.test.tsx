// @vitest-environment jsdom
import { cleanup, render, screen } from "@testing-library/react";
import { Component, type ReactNode } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { InvalidArgumentError } from "../../src/client/index.js";
import {
  DurableStreamsProvider,
  useDurableStream,
  type UseDurableStreamOptions,
} from "../../src/react/index.js";
import { recordingFetch } from "../support/counting-fetch.js";
import { sharedTestServer, testClient } from "../support/server.js";

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** Shows the error a child threw while rendering. */
class Catch extends Component<{ children: ReactNode }, { error: unknown }> {
  override state: { error: unknown } = { error: undefined };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  override render(): ReactNode {
    const { error } = this.state;
    if (error === undefined) return this.props.children;
    return (
      <p data-testid="error" data-name={(error as Error).name}>
        {(error as Error).message}
      </p>
    );
  }
}

function Reader(props: {
  url: string;
  options: UseDurableStreamOptions<unknown, unknown, unknown>;
}) {
  const { status } = useDurableStream<unknown, unknown>(props.url, props.options);
  return <p data-testid="status">{status}</p>;
}

const server = sharedTestServer();

/** A client on the reference server whose requests are recorded: an invalid view sends none. */
function setup() {
  const recorder = recordingFetch();
  const client = testClient(server(), { fetch: recorder.fetch, warnOnHttp: false });
  return { client, recorder };
}

describe("hook and provider options are checked", () => {
  it.each<[string, UseDurableStreamOptions<unknown, unknown, unknown>, string]>([
    [
      "live",
      { live: "bogus" as never },
      `Invalid live: must be one of "off", "long-poll", "sse", "auto", got "bogus"`,
    ],
    ["as", { as: "xml" as never }, `Invalid as: must be one of "json", "text", "bytes", got "xml"`],
    [
      "throttle",
      { throttle: "fast" as never },
      `Invalid throttle: must be "frame", a number of milliseconds >= 0, or false, got "fast"`,
    ],
  ])("%s: an InvalidArgumentError at render, and no request", (_option, options, message) => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { client, recorder } = setup();
    render(
      <DurableStreamsProvider client={client}>
        <Catch>
          <Reader url="/a" options={options} />
        </Catch>
      </DurableStreamsProvider>,
    );
    expect(screen.getByTestId("error").dataset["name"]).toBe("InvalidArgumentError");
    expect(screen.getByTestId("error").textContent).toBe(message);
    expect(recorder.requests).toEqual([]);
  });

  it("queryKey without a queryClient on the provider says what is missing", () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { client } = setup();
    render(
      <DurableStreamsProvider client={client}>
        <Catch>
          <Reader url="/a" options={{ queryKey: ["a"] }} />
        </Catch>
      </DurableStreamsProvider>,
    );
    expect(screen.getByTestId("error").textContent).toMatch(
      /^Invalid queryKey: needs a queryClient on <DurableStreamsProvider>/,
    );
  });

  it("a provider setting out of range throws InvalidArgumentError naming it", () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { client } = setup();
    render(
      <Catch>
        <DurableStreamsProvider client={client} gracePeriodMs={-5}>
          <Reader url="/a" options={{}} />
        </DurableStreamsProvider>
      </Catch>,
    );
    expect(screen.getByTestId("error").textContent).toBe(
      "Invalid gracePeriodMs: must be a number of milliseconds >= 0, got -5",
    );
  });

  it("a stream URL that does not parse names the URL", () => {
    vi.spyOn(console, "error").mockImplementation(() => {});
    const { client, recorder } = setup();
    render(
      <DurableStreamsProvider client={client}>
        <Catch>
          <Reader url="http://" options={{}} />
        </Catch>
      </DurableStreamsProvider>,
    );
    expect(screen.getByTestId("error").textContent).toBe(
      `Invalid url: "http://" is not a valid URL`,
    );
    expect(screen.getByTestId("error").dataset["name"]).toBe(InvalidArgumentError.name);
    expect(recorder.requests).toEqual([]);
  });
});
