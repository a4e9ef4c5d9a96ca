/**
 * What the long-stream bench's Node driver and its page share: the views
 * measured, the list's messages, the page's query and its `window` handle.
 * Imported by both sides, so it holds types and pure functions only.
 */

/** The views a long-stream run can measure. */
export const LONG_VIEWS = [
  "text-default",
  "text-normal",
  "text-blocks",
  "text-single",
  "list",
  "virtual-list",
] as const;

export type LongView = (typeof LONG_VIEWS)[number];

/** Text views read a text stream of tokens; list views a JSON stream of messages. */
export const isListView = (view: LongView): boolean => view === "list" || view === "virtual-list";

export function parseLongView(value: string | null): LongView | undefined {
  return LONG_VIEWS.find((view) => view === value);
}

/** One message of the list stream: about 100 bytes of JSON, like a short chat line. */
export interface BenchMessage {
  id: string;
  text: string;
}

const FILLER = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor";

export function benchMessage(index: number): BenchMessage {
  return { id: `m${index}`, text: `message ${index}: ${FILLER}` };
}

/** The page's query parameters. */
export interface LongPageParams {
  /** The stream's path on the page's origin, `/streams/...`. */
  stream: string;
  view: LongView;
}

/** What the page reports about what it shows. */
export interface LongPageState {
  status: string;
  /** The hook's data length: characters for text, messages for lists. */
  length: number;
  /** Commits of the reading component since the page loaded. */
  commits: number;
}

/** The handle the page puts on `window.__longBench`. */
export interface LongBenchHandle {
  state(): LongPageState;
  /**
   * Resolves true once the view holds at least `length` (characters or
   * messages), false after `timeoutMs`. A promise, so the driver waits without polling.
   */
  reached(length: number, timeoutMs: number): Promise<boolean>;
  /** What is on screen: the text element's text, or the rendered rows' texts. */
  shown(): { text: string; rows: number; lastRow: string | undefined };
}

declare global {
  interface Window {
    __longBench?: LongBenchHandle;
  }
}
