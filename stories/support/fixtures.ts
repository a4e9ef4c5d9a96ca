/** Fixed content for the stories: nothing random, nothing from the clock. */

export const ANSWER =
  "Durable Streams are append-only logs you read over plain HTTP. A reader remembers an offset, " +
  "so a refreshed tab continues exactly where it was instead of starting over.";

export const SHORT_ANSWER = "The stream is closed: this text is all it will ever hold.";

export interface ChatMessage {
  id: number;
  author: string;
  text: string;
}

export const CHAT: readonly ChatMessage[] = [
  { id: 1, author: "Ada", text: "Is the build green?" },
  { id: 2, author: "Grace", text: "Green. The conformance suite passed too." },
  { id: 3, author: "Ada", text: "Then let's cut the release." },
];

export const LATER_CHAT: readonly ChatMessage[] = [
  { id: 4, author: "Grace", text: "Tagging it now." },
  { id: 5, author: "Linus", text: "Release notes are up." },
  { id: 6, author: "Ada", text: "Thanks, both of you!" },
];

/** A fixed point in time (12:00:30 UTC on 1 January 2025) for `retryAt` in status stories. */
export const FIXED_RETRY_AT = Date.UTC(2025, 0, 1, 12, 0, 30);

const AUTHORS = ["Ada", "Grace", "Linus", "Barbara"] as const;
const LONG_TEXT =
  "a longer message that wraps over several lines in a narrow list, so that rows differ in " +
  "height and every one of them has to be measured after it renders";

/** Message `n` of the long chat: fixed content; every fifth one wraps over several lines. */
export function longChatMessage(n: number): ChatMessage {
  const text = n % 5 === 0 ? `message ${n}: ${LONG_TEXT}` : `message ${n}`;
  return { id: n, author: AUTHORS[n % AUTHORS.length]!, text };
}

/** Messages already in the long chat when the story opens. */
export const LONG_CHAT_SIZE = 10_000;
/** Messages the script appends after that, one every {@link LONG_CHAT_INTERVAL_MS}. */
export const LONG_CHAT_APPENDS = 120;
export const LONG_CHAT_INTERVAL_MS = 250;
