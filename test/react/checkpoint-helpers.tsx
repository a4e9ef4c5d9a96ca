import type { ReactNode } from "react";
import type { RecordedRequest } from "../support/counting-fetch.js";
import { useStreamsContext } from "../../src/react/context.js";
import { indexedDbCheckpoints } from "../../src/idb/index.js";
import {
  useDurableStream,
  type CheckpointRecord,
  type DurableStreamClient,
  type DurableStreamStatus,
  type StreamsRuntime,
  type UseDurableStreamOptions,
} from "../../src/react/index.js";

const runtimes = new Set<StreamsRuntime>();

/** Put inside a provider: remembers its runtime, so the test can end its sessions. */
export function TrackRuntime(): null {
  runtimes.add(useStreamsContext().runtime);
  return null;
}

/**
 * Ends every session of the tracked providers now, instead of a grace period
 * later, when the test environment may already be gone.
 */
export async function disposeRuntimes(): Promise<void> {
  const all = [...runtimes];
  runtimes.clear();
  await Promise.all(all.map((runtime) => runtime.dispose()));
}

/** One render of a {@link View}. */
export interface RenderEntry<State> {
  data: State;
  status: DurableStreamStatus;
  offset: string | undefined;
}

/** Renders a view's data and status, logging every render into `log`. */
export function View<Item, State = Item[]>({
  url,
  options,
  log,
  testId = "view",
  onRetry,
}: {
  url: string;
  options: UseDurableStreamOptions<Item, State, State>;
  log?: RenderEntry<State>[];
  testId?: string;
  /** Hands the test the view's latest `retry`. */
  onRetry?: (retry: () => void) => void;
}): ReactNode {
  const { data, status, offset, error, retry } = useDurableStream<Item, State>(url, options);
  log?.push({ data, status, offset });
  onRetry?.(retry);
  return (
    <div data-testid={testId} data-status={status} data-error={error?.name ?? ""}>
      {JSON.stringify(data)}
    </div>
  );
}

/**
 * The checkpoint the next page load would restore from `database` (urgent
 * writes wait in per-page slots until the key is read; see src/idb/urgent-slots.ts).
 */
export function nextLoadCheckpoint(
  database: string,
  key: string,
): Promise<CheckpointRecord | undefined> {
  return indexedDbCheckpoints({ database }).get(key);
}

/** Everything the server holds, read with a plain catch-up. */
export async function serverItems<T>(client: DurableStreamClient, url: string): Promise<T[]> {
  const response = await client.stream(url).read({ offset: "-1", live: "off" });
  return response.json<T>();
}

/** The stream's tail offset. */
export async function tailOffset(client: DurableStreamClient, url: string): Promise<string> {
  return (await client.stream(url).head()).offset;
}

/** GET requests to one stream, in order. */
export function reads(requests: readonly RecordedRequest[], url: string): RecordedRequest[] {
  return requests.filter((r) => r.method === "GET" && r.url.pathname === url);
}

/** Catch-up GETs (no `live` parameter): one per HTTP read session. */
export function catchUpReads(requests: readonly RecordedRequest[], url: string): RecordedRequest[] {
  return reads(requests, url).filter((r) => !r.url.searchParams.has("live"));
}

let dbCounter = 0;
/** A fresh IndexedDB database name, so tests never see each other's records. */
export function uniqueDatabase(): string {
  return `rds-react-${process.pid}-${Date.now().toString(36)}-${++dbCounter}`;
}

/** The JSON message shape of the checkpoint tests. */
export interface Msg {
  n: number;
}
export const msgs = (...ns: number[]): Msg[] => ns.map((n) => ({ n }));
