import { isJsonContentType, normalizeContentType } from "./content-type.js";

const warnedUrls = new Set<string>();

/**
 * SSE cannot carry every text exactly: an event-stream line cannot hold a
 * bare CR, and servers that write `data:` without the separating space (the
 * reference server does) lose each line's leading space, which AI tokens
 * start with. `live: "auto"` avoids SSE for text; an explicit `live: "sse"`
 * on a text stream gets this warning, once per stream URL.
 */
export function warnSseText(url: string, contentType: string | undefined): void {
  const type = normalizeContentType(contentType ?? null);
  if (type === undefined || !type.startsWith("text/") || isJsonContentType(contentType)) return;
  if (warnedUrls.has(url)) return;
  warnedUrls.add(url);
  console.warn(
    `[react-durable-streams] live: "sse" on the text stream ${url}: SSE turns a bare CR into a line break, and servers that write "data:" without a space (the reference server does) drop each line's leading space. Use live: "auto" or "long-poll" to read text exactly.`,
  );
}

/** Forgets which URLs were warned about. For tests. */
export function resetSseTextWarnings(): void {
  warnedUrls.clear();
}
