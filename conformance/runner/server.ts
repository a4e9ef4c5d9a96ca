import { DurableStreamTestServer } from "@durable-streams/server";
import type { Obj } from "./types.js";

/** The in-process reference server (ADAPTER.md §4). */
export interface ReferenceServer {
  /** e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  stop(): Promise<void>;
}

export interface ReferenceServerOptions {
  /** Conformance mode: 500 ms; benchmark mode: `"default"` (the server's own 30 s). */
  readonly longPollTimeout?: number | "default";
  /** 0 (the default) picks a random free port. */
  readonly port?: number;
}

/**
 * Starts `DurableStreamTestServer` on 127.0.0.1, a random free port, with
 * `longPollTimeout: 500` (conformance mode) and every other option at its
 * default (in-memory store, compression on). Its fault injection endpoint
 * `/_test/inject-error` is always available.
 */
export async function startReferenceServer(
  options: ReferenceServerOptions = {},
): Promise<ReferenceServer> {
  const longPoll = options.longPollTimeout ?? 500;
  const server = new DurableStreamTestServer({
    host: "127.0.0.1",
    port: options.port ?? 0,
    ...(longPoll === "default" ? {} : { longPollTimeout: longPoll }),
  });
  const url = (await server.start()).replace(/\/+$/, "");
  return { url, stop: () => server.stop() };
}

/** Runner-side steps that talk HTTP to the server directly (§6). */
export interface ServerSteps {
  serverAppend(
    path: string,
    body: Uint8Array<ArrayBuffer>,
    headers: Readonly<Record<string, string>>,
    timeoutMs: number,
  ): Promise<Obj>;
  serverClose(
    path: string,
    data: string | undefined,
    contentType: string | undefined,
    timeoutMs: number,
  ): Promise<Obj>;
  /** Resolves to an error message, or undefined on success. */
  injectError(fault: Obj, timeoutMs: number): Promise<string | undefined>;
  clearErrors(timeoutMs: number): Promise<string | undefined>;
}

const INT_HEADERS = [
  ["Producer-Epoch", "producerEpoch"],
  ["Producer-Seq", "producerSeq"],
  ["Producer-Expected-Seq", "producerExpectedSeq"],
  ["Producer-Received-Seq", "producerReceivedSeq"],
] as const;

/** `ServerSteps` over `fetch` against the reference server. */
export class HttpServerSteps implements ServerSteps {
  constructor(private readonly baseUrl: string) {}

  /**
   * `server-append`: POST the body straight to the server, with the stream's
   * content type (taken from a HEAD first) and the producer/extra headers.
   * The result is built from the response: `success` = 2xx, `status`,
   * `offset` (Stream-Next-Offset), `streamClosed` (Stream-Closed: true),
   * `duplicate` (204 on a request that carried Producer-Id: the server
   * answers a plain append with 204 too, so only a producer append can be a
   * duplicate), the four Producer-* headers as integers, and on failure the
   * response text as `message`.
   */
  async serverAppend(
    path: string,
    body: Uint8Array<ArrayBuffer>,
    headers: Readonly<Record<string, string>>,
    timeoutMs: number,
  ): Promise<Obj> {
    const base = { type: "server-append" };
    try {
      const contentType = await this.contentTypeOf(path, timeoutMs);
      const res = await fetch(this.baseUrl + path, {
        method: "POST",
        headers: { "content-type": contentType, ...headers },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      const result: Obj = {
        ...base,
        success: res.ok,
        status: res.status,
        ...responseFields(res),
      };
      const producer = Object.keys(headers).some((h) => h.toLowerCase() === "producer-id");
      if (producer && res.ok) result["duplicate"] = res.status === 204;
      for (const [header, field] of INT_HEADERS) {
        const v = res.headers.get(header);
        if (v !== null) result[field] = /^-?\d+$/.test(v) ? Number(v) : v;
      }
      if (!res.ok) result["message"] = text;
      return result;
    } catch (err) {
      return networkError(base.type, err);
    }
  }

  /**
   * `server-close`: POST with `Stream-Closed: true` and the optional final
   * `data` (content type as given, else the stream's, from a HEAD). Result:
   * `success` = 2xx, `status`, `finalOffset` (Stream-Next-Offset),
   * `streamClosed`, and `message` on failure.
   */
  async serverClose(
    path: string,
    data: string | undefined,
    contentType: string | undefined,
    timeoutMs: number,
  ): Promise<Obj> {
    const type = "server-close";
    try {
      const headers: Record<string, string> = { "Stream-Closed": "true" };
      if (data !== undefined && data.length > 0) {
        headers["content-type"] = contentType ?? (await this.contentTypeOf(path, timeoutMs));
      } else if (contentType !== undefined) {
        headers["content-type"] = contentType;
      }
      const res = await fetch(this.baseUrl + path, {
        method: "POST",
        headers,
        body: data !== undefined && data.length > 0 ? data : undefined,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      const { offset, ...rest } = responseFields(res);
      const result: Obj = { type, success: res.ok, status: res.status, ...rest };
      if (offset !== undefined) result["finalOffset"] = offset;
      if (!res.ok) result["message"] = text;
      return result;
    } catch (err) {
      return networkError(type, err);
    }
  }

  async injectError(fault: Obj, timeoutMs: number): Promise<string | undefined> {
    return this.control("POST", JSON.stringify(fault), timeoutMs);
  }

  async clearErrors(timeoutMs: number): Promise<string | undefined> {
    return this.control("DELETE", undefined, timeoutMs);
  }

  private async control(
    method: "POST" | "DELETE",
    body: string | undefined,
    timeoutMs: number,
  ): Promise<string | undefined> {
    try {
      const res = await fetch(`${this.baseUrl}/_test/inject-error`, {
        method,
        headers: body === undefined ? undefined : { "content-type": "application/json" },
        body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      return res.ok ? undefined : `${method} /_test/inject-error: ${res.status} ${text}`;
    } catch (err) {
      return `${method} /_test/inject-error failed: ${errorText(err)}`;
    }
  }

  /** The stream's content type from a HEAD (octet-stream if it has none). */
  private async contentTypeOf(path: string, timeoutMs: number): Promise<string> {
    const res = await fetch(this.baseUrl + path, {
      method: "HEAD",
      signal: AbortSignal.timeout(timeoutMs),
    });
    return res.headers.get("content-type") ?? "application/octet-stream";
  }
}

function responseFields(res: Response): { offset?: string; streamClosed?: boolean } {
  const out: { offset?: string; streamClosed?: boolean } = {};
  const offset = res.headers.get("Stream-Next-Offset");
  if (offset !== null) out.offset = offset;
  out.streamClosed = res.headers.get("Stream-Closed")?.toLowerCase() === "true";
  return out;
}

function networkError(type: string, err: unknown): Obj {
  return { type, success: false, errorCode: "NETWORK_ERROR", message: errorText(err) };
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
