import type { LiveMode } from "../client/index.js";
import { TextLog } from "../sync/text-log.js";
import {
  useViewObserver,
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
  const observer = useViewObserver<string, string, string>(url, { as: "text", ...options });
  const snapshot = useViewSnapshot(observer);
  const result = useViewResult<string, string, string>(observer, snapshot, undefined);
  // Read off the session without opening anything, like the snapshot is.
  return { ...result, textLog: observer.textLog(makeTextLog) };
}

const makeTextLog = () => new TextLog();
