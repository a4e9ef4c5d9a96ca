/**
 * How many batches may be on the wire at once. Batches on separate
 * connections can reach the server out of order; one that arrives early is
 * refused (409) and must go again, body and all, so a window that keeps
 * causing that only wastes bandwidth. The window starts at `maxInFlight`, is
 * halved by every early arrival, and grows by one after each window's worth
 * of batches acknowledged at their first attempt.
 */
export interface InFlightWindow {
  readonly size: number;
  /** A batch arrived before its predecessor and will be sent again. */
  early(): void;
  /** A batch was acknowledged; `firstAttempt`: without arriving early before. */
  acknowledged(firstAttempt: boolean): void;
}

export function inFlightWindow(maxInFlight: number): InFlightWindow {
  let size = maxInFlight;
  let inOrder = 0;
  return {
    get size() {
      return size;
    },
    early() {
      size = Math.max(1, Math.floor(size / 2));
      inOrder = 0;
    },
    acknowledged(firstAttempt) {
      if (!firstAttempt || size >= maxInFlight) return;
      if (++inOrder >= size) {
        size++;
        inOrder = 0;
      }
    },
  };
}
