import type { LiveBudget } from "./live-budget.js";
import type { NetworkWatcher } from "./network.js";
import type { DynamicRecord, FetchFunction, JsonCodec, UnauthorizedContext } from "./options.js";
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
  /** The `onUnauthorized` hook, with concurrent calls sharing one refresh. */
  readonly refreshAuth: ((context: UnauthorizedContext) => Promise<void>) | undefined;
  readonly network: NetworkWatcher | undefined;
  /** Live requests open at once per origin (HTTP/1.1); undefined: no cap. */
  readonly liveBudget: LiveBudget | undefined;
}
