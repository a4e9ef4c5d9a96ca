/**
 * `react-durable-streams/query`: TanStack Query integration. Finite streams
 * (an AI generation that ends when its stream closes) as queries that resume
 * from their offset; live views mirror into a query key through the
 * provider's `queryClient` and the `queryKey` option of `useDurableStream`.
 */
export {
  durableStreamQueryOptions,
  type DurableStreamQueryInput,
  type DurableStreamQueryOptions,
  type StreamQueryData,
} from "./stream-query.js";
