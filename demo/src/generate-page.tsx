import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { StreamStatus, StreamText, useDurableStream } from "react-durable-streams";
import {
  createGeneration,
  fetchGeneration,
  recentGenerations,
  type GenerationInfo,
} from "./api.js";
import { ago } from "./format.js";
import { inspectorHref } from "./router.js";
import { countTokens } from "./streams.js";
import { Field, PageHead } from "./ui.js";

const RUNS = {
  normal: { rate: 40, tokens: 400 },
  stress: { rate: 5000, tokens: 20_000 },
} as const;

/** `#/generate` and `#/generate/<id>`: start a simulated model run and watch its tokens arrive. */
export function GeneratePage({ id }: { id: string | undefined }): ReactNode {
  const [starting, setStarting] = useState<keyof typeof RUNS | undefined>();
  const [error, setError] = useState<string | undefined>();

  const start = async (kind: keyof typeof RUNS) => {
    setStarting(kind);
    setError(undefined);
    try {
      const { id: created } = await createGeneration(RUNS[kind].rate, RUNS[kind].tokens);
      window.location.hash = `#/generate/${created}`;
    } catch (failure) {
      setError(`Could not start a generation: ${(failure as Error).message}`);
    } finally {
      setStarting(undefined);
    }
  };

  return (
    <>
      <PageHead title="Live token stream">
        A simulated model in the server writes tokens to a text stream through an idempotent
        producer; this page renders them with <code>&lt;StreamText&gt;</code>. Refresh mid-stream:
        the view restores its IndexedDB checkpoint and continues from its offset.
      </PageHead>
      <div className="toolbar">
        <button
          type="button"
          className="button primary"
          data-testid="generate"
          disabled={starting !== undefined}
          onClick={() => void start("normal")}
        >
          {starting === "normal" ? "Starting…" : "Generate"}
          <span className="button-note">400 tokens · 40/s</span>
        </button>
        <button
          type="button"
          className="button"
          data-testid="generate-stress"
          disabled={starting !== undefined}
          onClick={() => void start("stress")}
        >
          {starting === "stress" ? "Starting…" : "Stress run"}
          <span className="button-note">20,000 tokens · 5,000/s</span>
        </button>
      </div>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {id ? <Generation key={id} id={id} /> : <EmptyGeneration />}
      <Recent current={id} />
    </>
  );
}

function Generation({ id }: { id: string }): ReactNode {
  const url = `/streams/generations/${id}`;
  const persist = `generation-${id}`;
  // The same view shape as <StreamText> below: both share one session and one state.
  const { data, status, error, retryAt, offset, retry, closed } = useDurableStream<string, string>(
    url,
    { as: "text", live: "auto", persist },
  );
  const tokens = countTokens(data);
  const info = useGenerationInfo(id, closed);
  const progress = info ? Math.min(1, tokens / info.tokens) : closed ? 1 : 0;
  const output = useStickToBottom<HTMLDivElement>(data.length);

  return (
    <section className="card" aria-labelledby="generation-title">
      <div className="card-head">
        <div>
          <h2 id="generation-title">
            Generation <span className="mono">{id}</span>
          </h2>
          <p className="muted small">
            {info
              ? `${info.tokens.toLocaleString()} tokens at ${info.rate.toLocaleString()} tokens/s`
              : "Reading the stream"}
            {" · "}
            <a href={inspectorHref(url)}>Inspect stream</a>
          </p>
        </div>
        <div data-testid="generation-status">
          <StreamStatus className="status" status={status} error={error} retryAt={retryAt} />
        </div>
      </div>
      <div
        className="progress"
        role="progressbar"
        aria-label="Tokens received"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(progress * 100)}
      >
        <div
          className="progress-bar"
          data-status={status}
          style={{ width: `${progress * 100}%` }}
        />
      </div>
      <dl className="stats">
        <Field label="Tokens">
          <span data-testid="token-count">{tokens}</span>
          {info && <span className="muted"> / {info.tokens}</span>}
        </Field>
        <Field label="Characters">{data.length.toLocaleString()}</Field>
        <Field label="Offset" mono testId="generation-offset">
          {offset ?? "—"}
        </Field>
      </dl>
      {status === "error" && (
        <div className="alert" role="alert">
          {error?.message ?? "The stream failed."}{" "}
          <button type="button" className="button small" onClick={retry}>
            Retry
          </button>
        </div>
      )}
      <div className="output" ref={output} data-testid="generation-text" data-state={status}>
        <StreamText url={url} persist={persist} live="auto" className="output-text" />
      </div>
    </section>
  );
}

/** The server's record of a generation, fetched again once the stream closes. */
function useGenerationInfo(id: string, closed: boolean): GenerationInfo | undefined {
  const [info, setInfo] = useState<GenerationInfo | undefined>();
  useEffect(() => {
    let active = true;
    fetchGeneration(id).then(
      (value) => active && setInfo(value),
      () => undefined, // the stream itself is what matters; the totals are a nicety
    );
    return () => {
      active = false;
    };
  }, [id, closed]);
  return info;
}

/** Keeps a scroll container pinned to its end while new content arrives, unless scrolled up. */
function useStickToBottom<T extends HTMLElement>(size: number) {
  const ref = useRef<T>(null);
  const pinned = useRef(true);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const onScroll = () => {
      pinned.current = element.scrollHeight - element.scrollTop - element.clientHeight < 24;
    };
    element.addEventListener("scroll", onScroll, { passive: true });
    return () => element.removeEventListener("scroll", onScroll);
  }, []);
  useLayoutEffect(() => {
    const element = ref.current;
    if (element && pinned.current) element.scrollTop = element.scrollHeight;
  }, [size]);
  return ref;
}

function EmptyGeneration(): ReactNode {
  return (
    <section className="card empty-state">
      <h2>No generation open</h2>
      <p className="muted">
        Start one above. Its stream URL goes into the address bar, so a refresh, or the same link in
        another tab, follows the same run.
      </p>
    </section>
  );
}

function Recent({ current }: { current: string | undefined }): ReactNode {
  // Read again on every navigation: the run just started belongs in the list next time.
  const others = useMemo(
    () => recentGenerations().filter((entry) => entry.id !== current),
    [current],
  );
  if (others.length === 0) return null;
  return (
    <section className="recent" aria-label="Recent generations">
      <h3>Recent in this browser</h3>
      <ul>
        {others.map((entry) => (
          <li key={entry.id}>
            <a href={`#/generate/${entry.id}`} className="mono">
              {entry.id}
            </a>
            <span className="muted">
              {entry.tokens.toLocaleString()} tokens · {entry.rate.toLocaleString()}/s ·{" "}
              {ago(entry.at)}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
