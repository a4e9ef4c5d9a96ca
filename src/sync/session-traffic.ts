import type { StreamResponse } from "../client/index.js";

/**
 * What one live session has received, for inspectors: messages folded in
 * (a text or byte view counts chunks), body bytes over every read it made,
 * and the last failure, kept after the view recovered.
 */
export class SessionTraffic {
  messages = 0;
  lastError: Error | undefined;
  lastErrorAt: number | undefined;
  private bytesOfEndedReads = 0;
  private current: StreamResponse | undefined;

  /** Body bytes received so far, the current read included. */
  get bytes(): number {
    return this.bytesOfEndedReads + (this.current?.bytesReceived ?? 0);
  }

  readStarted(response: StreamResponse): void {
    this.readEnded();
    this.current = response;
  }

  readEnded(): void {
    if (!this.current) return;
    this.bytesOfEndedReads += this.current.bytesReceived;
    this.current = undefined;
  }

  failed(error: Error, at = Date.now()): void {
    this.lastError = error;
    this.lastErrorAt = at;
  }
}
