/** The demo server's HTTP API, as the benchmark uses it (plain fetch over loopback). */

/** What `GET /api/live-requests?path=...` answers. */
export interface LiveRequestCount {
  open: number;
  peak: number;
  started: number;
}

async function ok(response: Response, what: string): Promise<Response> {
  if (response.status >= 300) {
    const body = await response.text().catch(() => "");
    throw new Error(`${what}: HTTP ${response.status} ${body.slice(0, 200)}`);
  }
  return response;
}

export class DemoApi {
  constructor(readonly baseUrl: string) {}

  href(path: string): string {
    return new URL(path, this.baseUrl).href;
  }

  /** Creates an empty text stream at `path` (`/streams/generations/<id>`). */
  async createTextStream(path: string): Promise<void> {
    const response = await fetch(this.href(path), {
      method: "PUT",
      headers: { "content-type": "text/plain" },
    });
    await ok(response, `PUT ${path}`);
    await response.body?.cancel();
  }

  async append(path: string, text: string): Promise<void> {
    const response = await fetch(this.href(path), {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: text,
    });
    await ok(response, `POST ${path}`);
    await response.body?.cancel();
  }

  private liveRequestsUrl(path: string): string {
    return this.href(`/api/live-requests?path=${encodeURIComponent(path)}`);
  }

  async liveRequests(path: string): Promise<LiveRequestCount> {
    const response = await ok(await fetch(this.liveRequestsUrl(path)), "GET /api/live-requests");
    return (await response.json()) as LiveRequestCount;
  }

  /** Starts a new count: the peak becomes what is open now, started goes to 0. */
  async resetLiveRequests(path: string): Promise<LiveRequestCount> {
    const response = await ok(
      await fetch(this.liveRequestsUrl(path), { method: "POST" }),
      "POST /api/live-requests",
    );
    return (await response.json()) as LiveRequestCount;
  }
}
