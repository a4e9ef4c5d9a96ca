import type { IncomingMessage } from "node:http";

/**
 * Slows the appends of chosen producer ids down at the server, for the
 * outbox test that kills a page in the middle of a long flush
 * (`POST /api/append-delay` `{ producerId, ms }`; `ms: 0` ends it).
 */
export class AppendDelays {
  private readonly delays = new Map<string, number>();

  set(producerId: string, ms: number): void {
    if (ms > 0) this.delays.set(producerId, ms);
    else this.delays.delete(producerId);
  }

  /** How long to hold `req` before it is proxied: 0 unless it is an append of a slowed producer. */
  delayFor(req: IncomingMessage): number {
    if (req.method !== "POST" || this.delays.size === 0) return 0;
    const producerId = req.headers["producer-id"];
    return typeof producerId === "string" ? (this.delays.get(producerId) ?? 0) : 0;
  }
}
