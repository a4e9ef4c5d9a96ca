/**
 * Fault injection through the reference server's `/_test/inject-error`
 * endpoint. One fault is kept per path; each matching request consumes one.
 */
export interface Fault {
  /** Answer with this status (a text/plain body, optional Retry-After). */
  status?: number;
  count?: number;
  retryAfter?: number;
  delayMs?: number;
  jitterMs?: number;
  /** Destroy the socket before answering. */
  dropConnection?: boolean;
  truncateBodyBytes?: number;
  corruptBody?: boolean;
  probability?: number;
  method?: "GET" | "POST" | "PUT" | "DELETE" | "HEAD";
  /** Emit this SSE event before the normal ones. */
  injectSseEvent?: { eventType: string; data: string };
}

export async function injectFault(serverUrl: string, path: string, fault: Fault): Promise<void> {
  const response = await fetch(`${serverUrl}/_test/inject-error`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ path, ...fault }),
  });
  if (!response.ok) {
    throw new Error(`inject-error refused (${response.status}): ${await response.text()}`);
  }
}

export async function clearFaults(serverUrl: string): Promise<void> {
  const response = await fetch(`${serverUrl}/_test/inject-error`, { method: "DELETE" });
  if (!response.ok) throw new Error(`clearing faults failed: ${response.status}`);
}
