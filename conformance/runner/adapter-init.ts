import {
  AdapterProcess,
  AdapterStartError,
  type AdapterProcessOptions,
} from "./adapter-process.js";
import { describeError, show } from "./expectations.js";
import { isObj } from "./types.js";

/** What an adapter said about its client in answer to `init`. */
export interface AdapterInfo {
  readonly clientName: string;
  readonly clientVersion: string;
  readonly features: unknown;
}

export interface StartAdapterOptions extends AdapterProcessOptions {
  /** How long `init` may take. */
  readonly initTimeoutMs: number;
  /** Called once the process runs, before `init` is sent. */
  readonly onStarted?: () => void;
}

/**
 * Starts the adapter at `path` and sends `init` for `serverUrl` (ADAPTER.md
 * §3). Resolves to the running adapter and its client info, or to an error
 * message when it could not start or its `init` failed (it is closed then).
 * Shared by the conformance run and the benchmark run.
 */
export async function startAdapter(
  path: string,
  serverUrl: string,
  options: StartAdapterOptions,
): Promise<{ adapter: AdapterProcess; info: AdapterInfo } | string> {
  let adapter: AdapterProcess;
  try {
    adapter = await AdapterProcess.start(path, options);
  } catch (err) {
    if (!(err instanceof AdapterStartError)) throw err;
    return `cannot start the adapter: ${err.message}`;
  }
  options.onStarted?.();
  const init = await adapter.send({ type: "init", serverUrl }, options.initTimeoutMs);
  const result = init.ok ? init.result : undefined;
  if (!init.ok || !isObj(result) || result["success"] !== true) {
    await adapter.close(false);
    const why = !init.ok ? init.error : isObj(result) ? describeError(result) : show(result);
    return `adapter init failed: ${why}`;
  }
  const info: AdapterInfo = {
    clientName: String(result["clientName"] ?? "?"),
    clientVersion: String(result["clientVersion"] ?? "?"),
    features: result["features"] ?? {},
  };
  return { adapter, info };
}
