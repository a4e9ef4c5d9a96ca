import { useEffect, useState, type ReactNode } from "react";
import {
  StreamNotFoundError,
  StreamStatus,
  useDurableStream,
  useStreamProducer,
} from "react-durable-streams";
import { ago } from "./format.js";
import { ProducersTable, SessionsTable } from "./inspector-tables.js";
import { usePoll, useStreamsRuntime } from "./runtime.js";
import { checkpointKeyFor, client } from "./streams.js";
import { Field, PageHead } from "./ui.js";

const DEFAULT_URL = "/streams/board";

/** Debounces typing, so a half-typed URL does not open a session per keystroke. */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

/** `#/inspector`: one stream's view, metadata and checkpoint, and this tab's sessions and producers. */
export function InspectorPage({ initialUrl }: { initialUrl: string | undefined }): ReactNode {
  const [input, setInput] = useState(initialUrl ?? DEFAULT_URL);
  // A new URL from the address bar replaces what was typed: adjusted while rendering, not in an effect.
  const [shownInitialUrl, setShownInitialUrl] = useState(initialUrl);
  if (initialUrl !== shownInitialUrl) {
    setShownInitialUrl(initialUrl);
    if (initialUrl !== undefined) setInput(initialUrl);
  }
  const url = useDebounced(input.trim(), 250);
  const valid = url.startsWith("/") || /^https?:\/\//.test(url);

  return (
    <>
      <PageHead title="Stream inspector">
        Pick any stream: its live status in this tab, its metadata on the server, the checkpoint
        this browser keeps for it, and every session and producer this tab holds.
      </PageHead>
      <section className="card picker">
        <label className="label" htmlFor="inspector-url">
          Stream URL
        </label>
        <input
          id="inspector-url"
          className="input mono"
          data-testid="inspector-url"
          value={input}
          onChange={(event) => setInput(event.target.value)}
          spellCheck={false}
          autoComplete="off"
        />
        {!valid && <p className="hint">Enter a path such as /streams/board.</p>}
      </section>
      {valid && <StreamDetails key={url} url={url} />}
      <section className="card">
        <div className="card-head">
          <h2>Sessions in this tab</h2>
          <p className="muted small">One per stream and view shape, shared by every reader.</p>
        </div>
        <SessionsTable highlight={url} />
      </section>
      <section className="card">
        <div className="card-head">
          <h2>Producers in this tab</h2>
          <p className="muted small">Exactly-once writers, one per stream and producer id.</p>
        </div>
        <ProducersTable />
      </section>
    </>
  );
}

function StreamDetails({ url }: { url: string }): ReactNode {
  const view = useDurableStream<unknown, unknown>(url, { live: "auto" });
  // Read again whenever the view moves, so the tail offset keeps up with appends.
  const head = usePoll(() => client.stream(url).head(), 2000, [url, view.offset]);
  const summary = describe(view.data);
  const isJson = head.value?.contentType?.includes("json") ?? false;

  return (
    <div className="grid">
      <section className="card">
        <div className="card-head">
          <h2>Live view</h2>
          <div data-testid="inspector-status">
            <StreamStatus
              className="status"
              status={view.status}
              error={view.error}
              retryAt={view.retryAt}
            />
          </div>
        </div>
        <dl className="details">
          <Field label="Offset" mono testId="inspector-offset">
            {view.offset ?? "—"}
          </Field>
          <Field label="State">{summary.size}</Field>
          <Field label="Up to date">{view.isUpToDate ? "yes" : "no"}</Field>
          <Field label="Closed">{view.closed ? "yes" : "no"}</Field>
        </dl>
        {view.error && (
          <p className="alert">
            {view.error.message}{" "}
            <button type="button" className="button small" onClick={view.retry}>
              Retry
            </button>
          </p>
        )}
        {summary.lines.length > 0 && (
          <div className={summary.wrap ? "preview wrap" : "preview"}>
            {summary.lines.map((line, index) => (
              <div key={index} className="preview-line">
                {line}
              </div>
            ))}
          </div>
        )}
      </section>
      <div className="stack">
        <section className="card">
          <div className="card-head">
            <h2>Server (HEAD)</h2>
          </div>
          {head.error ? (
            <p className="alert" data-testid="inspector-head-error">
              {head.error instanceof StreamNotFoundError
                ? "No stream at this URL (404)."
                : head.error.message}
            </p>
          ) : (
            <dl className="details" data-testid="inspector-head">
              <Field label="Content type" mono testId="inspector-content-type">
                {head.value ? (head.value.contentType ?? "—") : "…"}
              </Field>
              <Field label="Tail offset" mono testId="inspector-tail-offset">
                {head.value?.offset ?? "…"}
              </Field>
              <Field label="Closed" testId="inspector-closed">
                {head.value ? (head.value.closed ? "yes" : "no") : "…"}
              </Field>
              <Field label="ETag" mono>
                {head.value?.etag ?? "—"}
              </Field>
              <Field label="Expires">
                {head.value?.expiresAt ??
                  (head.value?.ttlSeconds !== undefined
                    ? `TTL ${head.value.ttlSeconds} s`
                    : "never")}
              </Field>
            </dl>
          )}
          {isJson && !head.value?.closed && <TestWriter url={url} />}
        </section>
        <CheckpointCard url={url} />
      </div>
    </div>
  );
}

function CheckpointCard({ url }: { url: string }): ReactNode {
  const runtime = useStreamsRuntime();
  const [key, setKey] = useState(() => checkpointKeyFor(url));
  const record = usePoll(
    () => (key.trim() === "" ? undefined : runtime.checkpoints.get(key.trim())),
    1000,
    [runtime, key],
  );
  const value = record.value;
  return (
    <section className="card">
      <div className="card-head">
        <h2>Checkpoint</h2>
        <span className="tag">{runtime.checkpoints.kind}</span>
      </div>
      <div className="checkpoint-key">
        <label className="label" htmlFor="inspector-checkpoint-key">
          Key (a view&apos;s <code>persist</code>)
        </label>
        <input
          id="inspector-checkpoint-key"
          className="input mono small"
          value={key}
          placeholder="e.g. board"
          onChange={(event) => setKey(event.target.value)}
          spellCheck={false}
        />
      </div>
      <div data-testid="inspector-checkpoint">
        {record.error ? (
          <p className="alert">{record.error.message}</p>
        ) : value ? (
          <dl className="details">
            <Field label="Offset" mono testId="inspector-checkpoint-offset">
              {value.offset}
            </Field>
            <Field label="Saved">{ago(value.savedAt)}</Field>
            <Field label="State">{describe(value.state).size}</Field>
            <Field label="Closed">{value.closed ? "yes" : "no"}</Field>
            {value.url !== url && (
              <Field label="For stream" mono>
                {value.url}
              </Field>
            )}
          </dl>
        ) : (
          <p className="muted small checkpoint-none">
            {key.trim() === ""
              ? "No key: this stream is not persisted by a page."
              : "No checkpoint saved under this key yet."}
          </p>
        )}
      </div>
    </section>
  );
}

/** Holds this tab's producer for a JSON stream, and appends a test event with it. */
function TestWriter({ url }: { url: string }): ReactNode {
  const producer = useStreamProducer(url);
  const [count, setCount] = useState(0);
  const write = () => {
    const tab = producer.producerId;
    producer.append({
      id: crypto.randomUUID(),
      text: `Ping ${count + 1} from the inspector`,
      at: Date.now(),
      tab,
    });
    setCount(count + 1);
  };
  return (
    <div className="writer">
      <button type="button" className="button small" onClick={write} data-testid="inspector-append">
        Append a test event
      </button>
      <span className="muted small">through this tab&apos;s producer ({producer.status})</span>
    </div>
  );
}

/** A size and a short preview of a view's state: messages (one line each), text or bytes. */
function describe(state: unknown): { size: string; lines: string[]; wrap: boolean } {
  if (typeof state === "string") {
    const size = `${state.length.toLocaleString()} characters`;
    return { size, lines: state === "" ? [] : [state.slice(-600)], wrap: true };
  }
  if (state instanceof Uint8Array) {
    const hex = Array.from(state.slice(0, 48), (byte) => byte.toString(16).padStart(2, "0"));
    const size = `${state.length.toLocaleString()} bytes`;
    return { size, lines: state.length === 0 ? [] : [hex.join(" ")], wrap: true };
  }
  if (Array.isArray(state)) {
    const last = state.slice(-8).map((item) => JSON.stringify(item));
    const more = state.length > 8 ? [`… ${state.length - 8} earlier`] : [];
    const noun = state.length === 1 ? "message" : "messages";
    return {
      size: `${state.length.toLocaleString()} ${noun}`,
      lines: [...more, ...last],
      wrap: false,
    };
  }
  return { size: "—", lines: [], wrap: false };
}
