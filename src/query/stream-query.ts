import type {
  DataTag,
  Query,
  QueryClient,
  QueryFunctionContext,
  UseQueryOptions,
} from "@tanstack/react-query";
import {
  compareOffsets,
  type DurableStreamClient,
  type LiveMode,
  type Offset,
} from "../client/index.js";
import {
  defaultInitial,
  defaultReducer,
  readAsFor,
  reducerBatches,
  type ReadAs,
  type StreamReducer,
} from "../sync/index.js";

/** A finite stream's query data: the reduced state and where it stands. */
export interface StreamQueryData<State> {
  state: State;
  /** The offset the state corresponds to: a refetch continues from here. */
  offset: Offset;
  cursor: string | undefined;
  /** The stream has ended; the state is final. */
  closed: boolean;
}

/** Input of {@link durableStreamQueryOptions}. */
export interface DurableStreamQueryInput<Item, State> {
  client: DurableStreamClient;
  url: string;
  as?: ReadAs;
  reducer?: StreamReducer<Item, State>;
  initial?: State;
  /** How to wait for more data until the stream closes. Default `"auto"`. */
  live?: Exclude<LiveMode, "off">;
  /** The reducer's version, part of the default query key. Default `"1"`. */
  version?: string;
  /** Default `["durable-stream", url, version]`. */
  queryKey?: readonly unknown[];
}

/**
 * What {@link durableStreamQueryOptions} returns: options for `useQuery`,
 * `useSuspenseQuery`, `prefetchQuery` or `fetchQuery`. Spelled out with the
 * types every v5 release has, so the declarations compile against the
 * oldest v5 in the peer range as well as the newest.
 */
export type DurableStreamQueryOptions<State> = UseQueryOptions<
  StreamQueryData<State>,
  Error,
  StreamQueryData<State>,
  readonly unknown[]
> & {
  /** Tagged with the data's type, so `queryClient.getQueryData(options.queryKey)` is typed. */
  queryKey: DataTag<readonly unknown[], StreamQueryData<State>>;
  queryFn: (context: QueryFunctionContext) => Promise<StreamQueryData<State>>;
};

/** Progress of reads that were cut short (unmount aborts them), per query client and key. */
const progressByClient = new WeakMap<QueryClient, Map<string, StreamQueryData<unknown>>>();

/**
 * Query options for a finite stream: the query function reads until the
 * stream closes, publishing `{ state, offset }` as it goes, and a later fetch
 * resumes from the offset it reached instead of reading from the start. The
 * read stops when the query's signal aborts (the last observer unmounted).
 *
 * @example
 * const { data } = useQuery(durableStreamQueryOptions({ client, url: "/generations/7", as: "text" }));
 */
export function durableStreamQueryOptions<Item = unknown, State = Item[]>(
  input: DurableStreamQueryInput<Item, State>,
): DurableStreamQueryOptions<State> {
  const queryKey = (input.queryKey ?? [
    "durable-stream",
    input.url,
    input.version ?? "1",
  ]) as DataTag<readonly unknown[], StreamQueryData<State>>;
  return {
    queryKey,
    queryFn: (context: QueryFunctionContext) => readToEnd(input, context),
    staleTime: Infinity,
    // A read cut short (the last observer unmounted) leaves its progress in the cache
    // as fresh data (staleTime Infinity): without this, a remount would show it
    // forever instead of resuming the read. A closed stream's state is final.
    refetchOnMount: (query: Query<StreamQueryData<State>>) =>
      query.state.data?.closed === true ? false : "always",
    refetchOnWindowFocus: false,
    refetchOnReconnect: false,
  };
}

async function readToEnd<Item, State>(
  input: DurableStreamQueryInput<Item, State>,
  context: QueryFunctionContext,
): Promise<StreamQueryData<State>> {
  const { client: queryClient, queryKey, signal } = context;
  const hash = JSON.stringify(queryKey);
  let progress = progressByClient.get(queryClient);
  if (!progress) progressByClient.set(queryClient, (progress = new Map()));
  const cached = queryClient.getQueryData<StreamQueryData<State>>(queryKey);
  const saved = progress.get(hash) as StreamQueryData<State> | undefined;
  let current = furthest(cached, saved);
  if (current?.closed) return current;

  const response = await input.client.stream(input.url).read({
    checkpoint: current ? { offset: current.offset, cursor: current.cursor } : undefined,
    offset: current?.offset ?? "-1",
    live: input.live ?? "auto",
    signal,
  });
  const as = input.as ?? readAsFor(response.contentType);
  const reducer = input.reducer ?? (defaultReducer(as) as StreamReducer<Item, State>);
  let state = current?.state ?? input.initial ?? (defaultInitial(as) as State);
  for await (const { items, meta } of reducerBatches<Item>(response, as)) {
    if (items.length > 0) state = reducer(state, items, meta);
    if (meta.partial) continue;
    current = { state, offset: meta.offset, cursor: meta.cursor, closed: meta.closed };
    progress.set(hash, current as StreamQueryData<unknown>);
    queryClient.setQueryData(queryKey, current);
    if (meta.closed) break;
  }
  progress.delete(hash);
  return (
    current ?? { state, offset: response.offset, cursor: response.cursor, closed: response.closed }
  );
}

function furthest<State>(
  a: StreamQueryData<State> | undefined,
  b: StreamQueryData<State> | undefined,
): StreamQueryData<State> | undefined {
  if (!a || !b) return a ?? b;
  return compareOffsets(b.offset, a.offset) > 0 ? b : a;
}
