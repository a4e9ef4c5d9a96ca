import type { DynamicRecord, FetchFunction, JsonCodec } from "./options.js";
import type { RetryPolicy } from "./retry.js";

/** What every request needs from the client that made it. Internal. */
export interface ClientContext {
  readonly baseUrl: string | undefined;
  readonly headers: DynamicRecord | undefined;
  readonly params: DynamicRecord | undefined;
  readonly retry: RetryPolicy;
  readonly fetch: FetchFunction;
  readonly json: JsonCodec;
  readonly warnOnHttp: boolean;
}
