import type { LiveMode } from "../client/index.js";
import type { TextLog } from "../sync/text-log.js";
import {
  useViewBinding,
  useViewResult,
  useViewSnapshot,
  type DurableStreamResult,
} from "./use-durable-stream.js";

/** What {@link useTextStream} gives: the hook's result and the session's recent text pieces. */
export interface TextStreamResult extends DurableStreamResult<string> {
  /** Undefined until the session exists (the first render). */
  textLog: TextLog | undefined;
}

/**
 * `useDurableStream(url, { as: "text" })`, the same shared session, plus
 * the session's {@link TextLog}, so a text view can take what is new without
 * touching the whole text. Internal: for `<StreamText>`.
 */
export function useTextStream(
  url: string,
  options: { live?: LiveMode | undefined; persist?: string | undefined },
): TextStreamResult {
  const binding = useViewBinding<string, string, string>(url, { as: "text", ...options });
  const snapshot = useViewSnapshot(binding);
  const result = useViewResult<string, string, string>(binding, snapshot, undefined);
  // Peeking reads the registry without opening anything, like the snapshot does.
  const textLog = binding.runtime.sessions.peek(binding.key)?.textLog;
  return { ...result, textLog };
}
