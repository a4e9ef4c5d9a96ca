import type { IncomingMessage } from "node:http";

/**
 * Makes the stream server look down for chosen producer ids, for the outbox
 * test that kills a page in the middle of a flush: after a producer's first
 * `allow` appends, its appends are answered 503 until the refusal ends
 * (`POST /api/append-refusals` `{ producerId, allow }`; `allow: -1` ends it).
 */
export class AppendRefusals {
  private readonly refusals = new Map<string, { allow: number; seen: number }>();

  set(producerId: string, allow: number): void {
    if (allow >= 0) this.refusals.set(producerId, { allow, seen: 0 });
    else this.refusals.delete(producerId);
  }

  /** Whether to answer `req` with a 503 instead of passing it on. */
  refuses(req: IncomingMessage): boolean {
    if (req.method !== "POST" || this.refusals.size === 0) return false;
    const producerId = req.headers["producer-id"];
    const refusal = typeof producerId === "string" ? this.refusals.get(producerId) : undefined;
    return refusal !== undefined && refusal.seen++ >= refusal.allow;
  }
}
