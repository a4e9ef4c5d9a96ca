// @vitest-environment jsdom
import { StrictMode, type ReactNode } from "react";
import { act, cleanup, render, screen, waitFor } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  DurableStreamsProvider,
  StreamList,
  StreamStatus,
  StreamText,
  type DurableStreamClient,
  type StreamsRuntime,
} from "../../src/react/index.js";
import { useStreamsContext } from "../../src/react/context.js";
import { sharedTestServer, testClient, uniquePath } from "../support/server.js";

const server = sharedTestServer();

/** Every provider runtime a test mounted: disposed after it, so no grace timer outlives the file. */
const runtimes = new Set<StreamsRuntime>();

function RuntimeProbe(): ReactNode {
  runtimes.add(useStreamsContext().runtime);
  return null;
}

afterEach(async () => {
  // No vitest globals, so Testing Library cannot register its cleanup by itself.
  cleanup();
  await Promise.all([...runtimes].map((runtime) => runtime.dispose()));
  runtimes.clear();
  vi.restoreAllMocks();
});

function inProvider(client: DurableStreamClient, children: ReactNode) {
  return render(
    <StrictMode>
      <DurableStreamsProvider client={client}>
        <RuntimeProbe />
        {children}
      </DurableStreamsProvider>
    </StrictMode>,
  );
}

async function newStream(contentType: string) {
  const client = testClient(server(), { warnOnHttp: false });
  const url = uniquePath("component");
  const stream = client.stream(url);
  await stream.create({ contentType });
  return { client, url, stream };
}

describe("<StreamText>", () => {
  it("renders markup in the stream as text, never as HTML, and follows live data", async () => {
    const { client, url, stream } = await newStream("text/plain");
    const raw = "<b>bold</b><script>window.__pwned = true</script>";
    await stream.append(raw);
    const { container } = inProvider(
      client,
      <StreamText url={url} as="p" className="generation" placeholder="…" />,
    );
    const element = container.querySelector("p.generation")!;
    await waitFor(() => expect(element.textContent).toBe(raw));
    expect(container.querySelector("b")).toBeNull();
    expect(container.querySelector("script")).toBeNull();
    expect([...element.childNodes].every((node) => node.nodeType === Node.TEXT_NODE)).toBe(true);
    expect((window as { __pwned?: boolean }).__pwned).toBeUndefined();
    await waitFor(() => expect(element.getAttribute("data-stream-status")).toBe("live"));

    await act(async () => {
      // No leading space: the reference server writes SSE `data:` lines without the
      // separator space, so a spec-conforming parser strips the data's own first space.
      await stream.append("&<i>more</i>");
    });
    await waitFor(() => expect(element.textContent).toBe(`${raw}&<i>more</i>`));
    expect(container.querySelector("i")).toBeNull();
  });

  it("shows the placeholder until text arrives", async () => {
    const { client, url, stream } = await newStream("text/plain");
    const { container } = inProvider(
      client,
      <StreamText url={url} placeholder={<em>waiting</em>} />,
    );
    const element = container.querySelector("span")!;
    expect(element.textContent).toBe("waiting");
    await waitFor(() => expect(element.getAttribute("data-stream-status")).toBe("live"));
    expect(element.textContent).toBe("waiting");
    await act(async () => {
      await stream.append("token");
    });
    await waitFor(() => expect(element.textContent).toBe("token"));
    expect(container.querySelector("em")).toBeNull();
  });
});

describe("<StreamText blocks>", () => {
  it("lays long text out in blocks that stay untouched as text arrives, with the same text", async () => {
    const { client, url, stream } = await newStream("text/plain");
    const line = `${"word ".repeat(60)}\n`;
    const first = line.repeat(5);
    await stream.append(first);
    const { container } = inProvider(client, <StreamText url={url} as="div" blocks />);
    const element = container.querySelector("div")!;
    await waitFor(() => expect(element.textContent).toBe(first));
    // Complete blocks are block boxes, gathered in groups; the growing rest is plain text after them.
    const completeBefore = [...element.querySelectorAll(":scope > span > span")] as HTMLElement[];
    expect(completeBefore.length).toBeGreaterThan(0);
    for (const block of completeBefore) {
      expect(block.style.display).toBe("block");
      expect(block.textContent!.endsWith("\n")).toBe(true);
    }
    expect(element.lastChild?.nodeType).toBe(Node.TEXT_NODE);
    const completeText = completeBefore.map((block) => block.textContent);

    await act(async () => {
      await stream.append(line.repeat(5) + "<b>tail</b>");
    });
    const all = `${first}${line.repeat(5)}<b>tail</b>`;
    await waitFor(() => expect(element.textContent).toBe(all));
    expect(element.querySelector("b")).toBeNull();
    const blocksAfter = [...element.querySelectorAll(":scope > span > span")];
    expect(blocksAfter.length).toBeGreaterThan(completeBefore.length);
    // The same DOM nodes with the same text: React left the complete blocks alone.
    completeBefore.forEach((block, index) => {
      expect(blocksAfter[index]).toBe(block);
      expect(block.textContent).toBe(completeText[index]);
    });
  });
});

describe("<StreamStatus>", () => {
  const statuses = [
    ["idle", "Idle"],
    ["restoring", "Restoring"],
    ["connecting", "Connecting"],
    ["catching-up", "Catching up"],
    ["live", "Live"],
    ["paused", "Paused"],
    ["reconnecting", "Reconnecting"],
    ["closed", "Closed"],
    ["error", "Error"],
  ] as const;

  it("is a polite live region with the status in data-status and a label per status", () => {
    const { rerender } = render(
      <StrictMode>
        <StreamStatus status="idle" />
      </StrictMode>,
    );
    for (const [status, label] of statuses) {
      rerender(
        <StrictMode>
          <StreamStatus status={status} className="badge" />
        </StrictMode>,
      );
      const badge = screen.getByRole("status");
      expect(badge.getAttribute("aria-live")).toBe("polite");
      expect(badge.dataset["status"]).toBe(status);
      expect(badge.className).toBe("badge");
      expect(badge.textContent).toBe(label);
      expect(badge.hasAttribute("title")).toBe(false);
    }
  });

  it("describes the error, or when the next attempt goes", () => {
    const { rerender } = render(
      <StrictMode>
        <StreamStatus status="error" error={new Error("stream not found")} />
      </StrictMode>,
    );
    let badge = screen.getByRole("status");
    expect(badge.textContent).toBe("Error: stream not found");
    expect(badge.title).toBe("stream not found");

    const retryAt = Date.UTC(2030, 0, 2, 3, 4, 5);
    const expected = `Next attempt at ${new Date(retryAt).toLocaleTimeString()}`;
    rerender(
      <StrictMode>
        <StreamStatus status="reconnecting" retryAt={retryAt} />
      </StrictMode>,
    );
    badge = screen.getByRole("status");
    expect(badge.textContent).toBe(`Reconnecting: ${expected}`);
    expect(badge.title).toBe(expected);

    // An error object with another status is not announced as an error.
    rerender(
      <StrictMode>
        <StreamStatus status="live" error={new Error("old")} retryAt={retryAt} />
      </StrictMode>,
    );
    expect(screen.getByRole("status").textContent).toBe("Live");
  });

  it("takes label overrides and keeps the defaults for the others", () => {
    const { rerender } = render(
      <StrictMode>
        <StreamStatus status="live" labels={{ live: "En direct", closed: "Terminé" }} />
      </StrictMode>,
    );
    expect(screen.getByRole("status").textContent).toBe("En direct");
    rerender(
      <StrictMode>
        <StreamStatus status="paused" labels={{ live: "En direct", closed: "Terminé" }} />
      </StrictMode>,
    );
    expect(screen.getByRole("status").textContent).toBe("Paused");
  });
});

describe("<StreamList>", () => {
  interface Message {
    id: string;
    text: string;
  }

  it("renders JSON messages through the render function with stable keys, live", async () => {
    const { client, url, stream } = await newStream("application/json");
    await stream.appendJson({ id: "m1", text: "first" });
    await stream.appendJson({ id: "m2", text: "second" });
    const consoleError = vi.spyOn(console, "error");
    const getKey = vi.fn((message: Message) => message.id);
    const { container } = inProvider(
      client,
      <StreamList<Message> url={url} getKey={getKey} className="messages" empty={<p>none</p>}>
        {(message, index) => <li data-index={index}>{message.text}</li>}
      </StreamList>,
    );
    await waitFor(() => expect(screen.getAllByRole("listitem")).toHaveLength(2));
    const list = container.querySelector("ul.messages")!;
    expect(list).not.toBeNull();
    const firstItem = screen.getAllByRole("listitem")[0]!;
    expect(
      screen.getAllByRole("listitem").map((li) => [li.dataset["index"], li.textContent]),
    ).toEqual([
      ["0", "first"],
      ["1", "second"],
    ]);
    expect(getKey).toHaveBeenCalledWith({ id: "m1", text: "first" }, 0);

    await act(async () => {
      await stream.appendJson({ id: "m3", text: "<b>third</b>" });
    });
    await waitFor(() => expect(screen.getAllByRole("listitem")).toHaveLength(3));
    // Existing rows are kept (same DOM node), not re-created.
    expect(screen.getAllByRole("listitem")[0]).toBe(firstItem);
    expect(screen.getAllByRole("listitem")[2]!.textContent).toBe("<b>third</b>");
    expect(container.querySelector("b")).toBeNull();
    const keyWarnings = consoleError.mock.calls.filter((args) => String(args[0]).includes("key"));
    expect(keyWarnings).toEqual([]);
  });

  it("appending one message renders one new row, not the rows before it", async () => {
    const { client, url, stream } = await newStream("application/json");
    for (const n of [1, 2, 3]) await stream.appendJson({ id: `m${n}`, text: `t${n}` });
    const rendered: string[] = [];
    const renderRow = (message: Message) => {
      rendered.push(message.id);
      return <li>{message.text}</li>;
    };
    inProvider(
      client,
      <StreamList<Message> url={url} getKey={(message) => message.id}>
        {renderRow}
      </StreamList>,
    );
    await waitFor(() => expect(screen.getAllByRole("listitem")).toHaveLength(3));
    rendered.length = 0;
    await act(async () => {
      await stream.appendJson({ id: "m4", text: "t4" });
    });
    await waitFor(() => expect(screen.getAllByRole("listitem")).toHaveLength(4));
    // StrictMode renders each new row twice in development; the three old rows not at all.
    expect(new Set(rendered)).toEqual(new Set(["m4"]));
  });

  it("in a long list, an append renders only the new row, in order, across row groups", async () => {
    const { client, url, stream } = await newStream("application/json");
    // 4,096 rows fill one outer span (of 64 spans of 64): the 4,097th starts a second.
    const first = Array.from({ length: 4096 }, (_, n) => ({ id: `m${n}`, text: `t${n}` }));
    await stream.append(JSON.stringify(first), { contentType: "application/json" });
    const rendered: string[] = [];
    const renderRow = (message: Message) => {
      rendered.push(message.id);
      return <li>{message.text}</li>;
    };
    const { container } = inProvider(
      client,
      <StreamList<Message> url={url} getKey={(message) => message.id}>
        {renderRow}
      </StreamList>,
    );
    const rows = () => container.querySelectorAll("li");
    await waitFor(() => expect(rows()).toHaveLength(4096));
    for (const n of [4096, 4097]) {
      rendered.length = 0;
      await act(async () => {
        await stream.appendJson({ id: `m${n}`, text: `t${n}` });
      });
      await waitFor(() => expect(rows()).toHaveLength(n + 1));
      expect(new Set(rendered)).toEqual(new Set([`m${n}`]));
    }
    const texts = [...rows()].map((li) => li.textContent);
    expect(texts).toEqual(Array.from({ length: 4098 }, (_, n) => `t${n}`));
  });

  it("renders `empty` while the stream holds no messages", async () => {
    const { client, url, stream } = await newStream("application/json");
    inProvider(
      client,
      <StreamList<Message> url={url} empty={<p>No messages yet</p>}>
        {(message) => <li>{message.text}</li>}
      </StreamList>,
    );
    expect(screen.getByText("No messages yet")).toBeTruthy();
    expect(screen.queryByRole("list")).toBeNull();
    await act(async () => {
      await stream.appendJson({ id: "a", text: "hello" });
    });
    await waitFor(() => expect(screen.getByRole("listitem").textContent).toBe("hello"));
    expect(screen.queryByText("No messages yet")).toBeNull();
  });
});
