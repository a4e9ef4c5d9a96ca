const warnedOrigins = new Set<string>();

/**
 * Browsers allow about six HTTP/1.1 connections per origin, so over plain
 * HTTP (HTTP/2 needs TLS) live streams beyond the live budget wait their
 * turn on short polls. Warn once per origin, only in a browser, and never throw.
 */
export function warnIfPlainHttp(url: string, enabled: boolean): void {
  if (!enabled || typeof window === "undefined" || typeof document === "undefined") return;
  try {
    const parsed = new URL(url, window.location.href);
    if (parsed.protocol !== "http:" || warnedOrigins.has(parsed.origin)) return;
    warnedOrigins.add(parsed.origin);
    console.warn(
      `[react-durable-streams] ${parsed.origin} is plain HTTP: browsers allow about 6 connections per origin over HTTP/1.1, so at most 4 live requests stay open and further live streams are served by short polls. Use HTTPS (HTTP/2) in production.`,
    );
  } catch {
    // An unparsable URL fails later with a proper error; the warning is best effort.
  }
}

/** Forgets which origins were warned about. For tests. */
export function resetPlainHttpWarnings(): void {
  warnedOrigins.clear();
}
