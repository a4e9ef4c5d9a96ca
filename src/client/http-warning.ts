const warnedOrigins = new Set<string>();

/**
 * Browsers allow about six HTTP/1.1 connections per origin, so a page holding
 * several live streams over plain HTTP stalls; HTTP/2 needs TLS. Warn once per
 * origin, only in a browser, and never throw.
 */
export function warnIfPlainHttp(url: string, enabled: boolean): void {
  if (!enabled || typeof window === "undefined" || typeof document === "undefined") return;
  try {
    const parsed = new URL(url, window.location.href);
    if (parsed.protocol !== "http:" || warnedOrigins.has(parsed.origin)) return;
    warnedOrigins.add(parsed.origin);
    console.warn(
      `[react-durable-streams] ${parsed.origin} is plain HTTP: browsers allow about 6 connections per origin over HTTP/1.1, so several live streams can stall the page. Use HTTPS (HTTP/2) in production.`,
    );
  } catch {
    // An unparsable URL fails later with a proper error; the warning is best effort.
  }
}

/** Forgets which origins were warned about. For tests. */
export function resetPlainHttpWarnings(): void {
  warnedOrigins.clear();
}
