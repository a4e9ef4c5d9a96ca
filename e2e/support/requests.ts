import type { Page, Request } from "@playwright/test";

/** One HTTP request a page made, with what became of it. */
export interface LoggedRequest {
  readonly url: URL;
  readonly method: string;
  /** The `live` query parameter (`long-poll`, `sse`), or null for a catch-up read. */
  readonly live: string | null;
  /** The `offset` query parameter. */
  readonly offset: string | null;
  readonly startedAt: number;
  /** Which page made it (pages are numbered in the order they were attached). */
  readonly pageIndex: number;
  /** How many main-frame navigations (loads, reloads, hash changes) that page had made before. */
  readonly navigation: number;
  endedAt?: number;
  outcome?: "finished" | "failed";
  failure?: string;
  status?: number;
  /** The response's Stream-Next-Offset header. */
  nextOffset?: string | null;
}

/**
 * Records the requests of one or more pages that match a filter, with their
 * start, end and outcome, and the largest number of live requests that were
 * ever open at the same time.
 */
export class RequestLog {
  readonly entries: LoggedRequest[] = [];
  /** The most live requests (`live` present) open at once, per page. */
  readonly maxOpenLive = new Map<number, number>();
  private readonly byRequest = new Map<Request, LoggedRequest>();
  private pages = 0;
  private readonly indexes = new Map<Page, number>();
  private readonly navigationCounts: number[] = [];

  constructor(private readonly filter: (url: URL, method: string) => boolean) {}

  attach(page: Page): this {
    const pageIndex = this.pages++;
    this.indexes.set(page, pageIndex);
    let navigation = 0;
    page.on("framenavigated", (frame) => {
      if (frame === page.mainFrame()) this.navigationCounts[pageIndex] = ++navigation;
    });
    page.on("request", (request) => {
      const url = new URL(request.url());
      if (!this.filter(url, request.method())) return;
      const entry: LoggedRequest = {
        url,
        method: request.method(),
        live: url.searchParams.get("live"),
        offset: url.searchParams.get("offset"),
        startedAt: Date.now(),
        pageIndex,
        navigation,
      };
      this.entries.push(entry);
      this.byRequest.set(request, entry);
      if (entry.live !== null) {
        const open = this.openLive(pageIndex).length;
        this.maxOpenLive.set(pageIndex, Math.max(this.maxOpenLive.get(pageIndex) ?? 0, open));
      }
    });
    page.on("response", (response) => {
      const entry = this.byRequest.get(response.request());
      if (!entry) return;
      entry.status = response.status();
      entry.nextOffset = response.headers()["stream-next-offset"] ?? null;
    });
    page.on("requestfinished", (request) => this.end(request, "finished"));
    page.on("requestfailed", (request) => this.end(request, "failed"));
    return this;
  }

  private end(request: Request, outcome: "finished" | "failed"): void {
    const entry = this.byRequest.get(request);
    if (!entry || entry.endedAt !== undefined) return;
    entry.endedAt = Date.now();
    entry.outcome = outcome;
    if (outcome === "failed") entry.failure = request.failure()?.errorText ?? "unknown";
  }

  /** The number `page` was given when attached (-1 if it never was). */
  pageIndexOf(page: Page): number {
    return this.indexes.get(page) ?? -1;
  }

  /** Requests still open (no end seen). */
  open(pageIndex?: number): LoggedRequest[] {
    return this.entries.filter(
      (e) => e.endedAt === undefined && (pageIndex === undefined || e.pageIndex === pageIndex),
    );
  }

  openLive(pageIndex?: number): LoggedRequest[] {
    return this.open(pageIndex).filter((e) => e.live !== null);
  }

  /** The number of main-frame navigations page `pageIndex` has made so far. */
  navigations(pageIndex = 0): number {
    return this.navigationCounts[pageIndex] ?? 0;
  }

  /** Requests started at or after `time`. */
  since(time: number): LoggedRequest[] {
    return this.entries.filter((e) => e.startedAt >= time);
  }

  /**
   * Answers whose Stream-Next-Offset is behind the offset asked for (offsets
   * sort lexicographically, so a server must never do this; a reader that
   * follows such an answer reads the same data twice).
   */
  backwardAnswers(): LoggedRequest[] {
    return this.entries.filter(
      (e) =>
        e.offset !== null &&
        /^[0-9_]+$/.test(e.offset) &&
        typeof e.nextOffset === "string" &&
        e.nextOffset < e.offset,
    );
  }

  /** The request log for an assertion message, answers that went backwards first. */
  diagnose(): string {
    const backward = this.backwardAnswers();
    return (
      (backward.length > 0
        ? `\n${backward.length} answer(s) moved the offset backwards:\n${this.describe(backward)}`
        : "") + `\nrequests:\n${this.describe()}`
    );
  }

  /** A compact description for assertion messages. */
  describe(entries: readonly LoggedRequest[] = this.entries, limit = 60): string {
    const t0 = this.entries[0]?.startedAt ?? 0;
    const shown =
      entries.length > limit
        ? [...entries.slice(0, limit / 3), undefined, ...entries.slice(-(limit * 2) / 3)]
        : entries;
    return shown
      .map((e) =>
        e === undefined
          ? `... ${entries.length - limit} more ...`
          : `+${e.startedAt - t0}ms #${e.pageIndex}.${e.navigation} ${e.method} ${e.url.pathname}${e.url.search} ` +
            `${e.outcome ?? "open"}${e.failure ? ` (${e.failure})` : ""}` +
            `${e.status !== undefined ? ` ${e.status}` : ""}` +
            `${e.nextOffset ? ` next=${e.nextOffset}` : ""}` +
            `${e.endedAt !== undefined ? ` (${e.endedAt - e.startedAt}ms)` : ""}`,
      )
      .join("\n");
  }
}
