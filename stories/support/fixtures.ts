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
