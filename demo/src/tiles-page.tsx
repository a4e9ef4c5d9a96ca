import type { ReactNode } from "react";
import { StreamStatus, useDurableStream } from "react-durable-streams";
import { inspectorHref } from "./router.js";
import { TILE_URLS } from "./streams.js";
import { PageHead } from "./ui.js";

/**
 * `#/tiles`: ten live streams in one tab. Over HTTP/1.1 (this demo server)
 * a browser opens about six connections per origin; the client's live
 * budget keeps four live requests open and serves the other streams with
 * short polls, so the page's own requests never queue behind them.
 * `?liveBudget=0` in the page URL turns the budget off, for comparison.
 */
export function TilesPage(): ReactNode {
  return (
    <>
      <PageHead title="Many streams">
        Ten JSON streams, each live in its own view. At most four live requests stay open at once
        over HTTP/1.1; the others are served by short polls, so this page&apos;s own fetches never
        wait behind them.
      </PageHead>
      <section className="tiles" aria-label="Live streams">
        {TILE_URLS.map((url) => (
          <Tile key={url} url={url} />
        ))}
      </section>
    </>
  );
}

function Tile({ url }: { url: string }): ReactNode {
  const { data, status, error, retryAt } = useDurableStream<unknown>(url);
  const last = data.length > 0 ? JSON.stringify(data[data.length - 1]) : "—";
  return (
    <article className="card tile" data-testid="tile" data-url={url} data-count={data.length}>
      <div className="card-head">
        <h2 className="mono small">
          <a href={inspectorHref(url)}>{url}</a>
        </h2>
        <StreamStatus className="status" status={status} error={error} retryAt={retryAt} />
      </div>
      <p className="muted small">
        {data.length} {data.length === 1 ? "message" : "messages"} · last{" "}
        <span className="mono">{last}</span>
      </p>
    </article>
  );
}
