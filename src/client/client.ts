import { liveBudget } from "./live-budget.js";
import type { ClientContext } from "./context.js";
import { InvalidArgumentError } from "./errors.js";
import { hostNetwork } from "./network.js";
import type {
  CallOptions,
  DurableStreamClientOptions,
  FetchFunction,
  UnauthorizedContext,
} from "./options.js";
import { resolveStreamUrl } from "./request-url.js";
import { resolveRetryPolicy } from "./retry.js";
import { DurableStream, type CreateOptions, type StreamHandleOptions } from "./stream.js";

/**
 * Entry point of the protocol client: holds the base URL, headers, parameters,
 * retry policy, `fetch` and JSON codec shared by every stream. Make one and
 * reuse it. Runs in Node 20+, browsers and workers.
 *
 * @example
 * const client = new DurableStreamClient({ baseUrl: "https://streams.example.com" });
 * const stream = client.stream("/chat/42");
 * await using res = await stream.read({ live: "long-poll" });
 */
export class DurableStreamClient {
  private readonly context: ClientContext;

  constructor(options: DurableStreamClientOptions = {}) {
    const { baseUrl } = options;
    // Relative paths are joined to the base's origin, which only http(s) URLs have.
    if (
      baseUrl !== undefined &&
      !(URL.canParse(baseUrl) && /^https?:/.test(new URL(baseUrl).protocol))
    ) {
      throw new InvalidArgumentError("baseUrl", `not an absolute http(s) URL: ${baseUrl}`);
    }
    const fetchFunction = options.fetch ?? defaultFetch();
    this.context = {
      baseUrl,
      headers: options.headers,
      params: options.params,
      retry: resolveRetryPolicy(options.retry),
      fetch: fetchFunction,
      json: options.json ?? JSON,
      warnOnHttp: options.warnOnHttp ?? true,
      refreshAuth: options.onUnauthorized && sharedRefresh(options.onUnauthorized),
      network: options.network === false ? undefined : (options.network ?? hostNetwork()),
      liveBudget: liveBudget(options.liveBudget),
    };
  }

  /** A handle on the stream at `url` (relative to the base URL, or absolute). No I/O. */
  stream(url: string, options?: StreamHandleOptions): DurableStream {
    return new DurableStream(this.context, resolveStreamUrl(url, this.context.baseUrl), options);
  }

  /** Creates the stream (idempotently) and returns its handle. */
  async createStream(url: string, options?: CreateOptions): Promise<DurableStream> {
    const handle = this.stream(url, { contentType: options?.contentType });
    await handle.create(options);
    return handle;
  }

  /** Checks that the stream exists (HEAD) and returns its handle; a missing one rejects. */
  async connect(url: string, options?: CallOptions): Promise<DurableStream> {
    const handle = this.stream(url);
    await handle.head(options);
    return handle;
  }

  /** Deletes the stream. */
  async deleteStream(url: string, options?: CallOptions): Promise<void> {
    await this.stream(url).delete(options);
  }
}

/**
 * One refresh at a time: requests refused while a refresh runs wait for that
 * one instead of each starting their own (a burst of 401s is one token call).
 * The hook's signal aborts only once every request waiting on it has been
 * cancelled; a cancelled request stops waiting at once.
 */
function sharedRefresh(
  hook: (context: UnauthorizedContext) => unknown,
): (context: UnauthorizedContext) => Promise<void> {
  let running: { done: Promise<void>; waiters: number; controller: AbortController } | undefined;
  return ({ url, signal }) => {
    if (!running) {
      const run = { controller: new AbortController(), waiters: 0, done: Promise.resolve() };
      run.done = (async () => {
        try {
          await hook({ url, signal: run.controller.signal });
        } finally {
          if (running === run) running = undefined;
        }
      })();
      running = run;
    }
    const run = running;
    run.waiters++;
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        if (--run.waiters === 0) run.controller.abort(signal.reason);
        reject(signal.reason);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
      run.done.then(
        () => {
          signal.removeEventListener("abort", onAbort);
          resolve();
        },
        (error: unknown) => {
          signal.removeEventListener("abort", onAbort);
          reject(error);
        },
      );
    });
  };
}

function defaultFetch(): FetchFunction {
  if (typeof globalThis.fetch !== "function") {
    throw new InvalidArgumentError("fetch", "no global fetch here; pass one in the options");
  }
  // Looked up per call so that a fetch patched later (tests, instrumentation) is honoured.
  return (input, init) => globalThis.fetch(input, init);
}
