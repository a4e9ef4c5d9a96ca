import {
  useEffect,
  useRef,
  useState,
  type CSSProperties,
  type FormEvent,
  type ReactNode,
} from "react";
import {
  StreamStatus,
  mergePending,
  useDurableStream,
  useStreamProducer,
} from "react-durable-streams";
import { clock } from "./format.js";
import { inspectorHref } from "./router.js";
import { hueFor, tabName, type BoardEvent } from "./streams.js";
import { PageHead } from "./ui.js";

const BOARD_URL = "/streams/board";

/** Keeps what looks like a board event; anything else another writer put there is skipped. */
function isBoardEvent(value: unknown): value is BoardEvent {
  const event = value as Partial<BoardEvent> | null;
  return typeof event === "object" && event !== null && typeof event.text === "string";
}

/** A new event from this tab, stamped now. */
function newBoardEvent(text: string, tab: string): BoardEvent {
  return { id: crypto.randomUUID(), text, at: Date.now(), tab };
}

const eventKey = (event: unknown) => (isBoardEvent(event) ? event.id : undefined);

/** `?durable=0` writes through the default producer instead (memory only), to compare. */
const DURABLE = new URLSearchParams(window.location.search).get("durable") !== "0";

/**
 * `#/board`: every tab appends events and sees everyone's, live. Writes are
 * durable: stored in IndexedDB before they are sent, shown as pending until
 * the stream brings them back, and sent by the next page (or another tab of
 * the app) if this one goes offline, reloads or crashes first.
 */
export function BoardPage(): ReactNode {
  const board = useDurableStream<unknown>(BOARD_URL, { persist: "board" });
  const producer = useStreamProducer(BOARD_URL, { durable: DURABLE });
  const tab = producer.producerId;
  const [text, setText] = useState("");
  const events = mergePending(board.data.filter(isBoardEvent), producer.pending, eventKey);
  const list = useRef<HTMLOListElement>(null);
  const { append } = producer;

  useEffect(() => {
    const element = list.current;
    if (element) element.scrollTop = element.scrollHeight;
  }, [events.length]);

  // For the end-to-end tests and the console: `boardAppend("hello")` writes as this tab.
  useEffect(() => {
    const host = window as { boardAppend?: (text: string) => void };
    host.boardAppend = (value) => append(newBoardEvent(value, tab));
    return () => {
      delete host.boardAppend;
    };
  }, [append, tab]);

  const send = (event: FormEvent) => {
    event.preventDefault();
    const value = text.trim();
    if (value === "") return;
    producer.append(newBoardEvent(value, tab));
    setText("");
  };

  const pending = producer.pending.length;
  return (
    <>
      <PageHead title="Collaborative board">
        Every tab appends JSON events to one stream through its own idempotent producer, and sees
        everyone&apos;s live. Open this page in a second tab and write in both.
      </PageHead>
      <section className="card board" aria-labelledby="board-title">
        <div className="card-head">
          <div>
            <h2 id="board-title">
              <span className="mono">{BOARD_URL}</span>
            </h2>
            <p className="muted small">
              {events.length} {events.length === 1 ? "event" : "events"} · you are{" "}
              <span className="tab-chip" style={{ "--hue": hueFor(tab) } as CSSProperties}>
                {tabName(tab)}
              </span>{" "}
              · <a href={inspectorHref(BOARD_URL)}>Inspect stream</a>
            </p>
          </div>
          <div data-testid="board-status">
            <StreamStatus
              className="status"
              status={board.status}
              error={board.error}
              retryAt={board.retryAt}
            />
          </div>
        </div>
        {events.length === 0 && (
          <p className="board-empty muted">
            {board.isUpToDate ? "Nothing here yet. Say hello." : "Loading the board…"}
          </p>
        )}
        <ol className="events" data-testid="board-events" ref={list} aria-live="polite">
          {events.map(({ item: event, key, pending }, index) => {
            const mine = event.tab === tab;
            return (
              <li
                key={key ?? index}
                className={`event${mine ? " mine" : ""}${pending ? " pending" : ""}`}
                data-testid={pending ? "board-pending-event" : "board-event"}
                style={{ "--hue": hueFor(String(event.tab)) } as CSSProperties}
              >
                <span className="avatar" aria-hidden="true">
                  {tabName(String(event.tab ?? "?"))}
                </span>
                <div className="event-body">
                  <div className="event-meta">
                    <strong>{mine ? "You" : `Tab ${tabName(String(event.tab ?? "?"))}`}</strong>
                    {typeof event.at === "number" && <time>{clock(event.at)}</time>}
                    {pending && <span className="pending-chip">pending</span>}
                  </div>
                  <p className="event-text" data-testid="board-event-text">
                    {event.text}
                  </p>
                </div>
              </li>
            );
          })}
        </ol>
        <form className="composer" onSubmit={send}>
          <input
            className="input"
            data-testid="board-input"
            value={text}
            onChange={(event) => setText(event.target.value)}
            placeholder="Write something and press Enter"
            aria-label="Message"
            maxLength={500}
            autoComplete="off"
          />
          <button type="submit" className="button primary" data-testid="board-send">
            Send
          </button>
        </form>
        <p className="composer-note muted small" aria-live="polite">
          {producer.status === "error"
            ? `Last write failed: ${producer.error?.message ?? "unknown error"}`
            : pending > 0
              ? `${pending} pending (kept in IndexedDB until the server has ${pending === 1 ? "it" : "them"})…`
              : `Producer epoch ${producer.epoch}${producer.lastOffset ? ` · last write at ${producer.lastOffset}` : ""}`}
        </p>
      </section>
    </>
  );
}
