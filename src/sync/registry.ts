/**
 * Shared, reference-counted resources (live sessions, producers) keyed by
 * what makes them the same. The last release does not end a resource at
 * once: it waits a grace period, so React StrictMode's mount, unmount, mount
 * (or a quick navigation back) reuses it instead of opening a second one.
 */
export interface Lifecycle {
  /** Called when the first user acquires it (again). */
  start(): void;
  /** Called once the grace period after the last release has passed. */
  stop(): void | Promise<void>;
}

interface Entry<T extends Lifecycle> {
  value: T;
  refs: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class SharedRegistry<T extends Lifecycle> {
  private readonly entries = new Map<string, Entry<T>>();

  /** `onChange` hears every entry added, removed, acquired or released (for inspectors). */
  constructor(
    private readonly gracePeriodMs: number,
    private readonly onChange: () => void = () => {},
  ) {}

  /** The resource for `key`, created (not started) if there is none. No I/O. */
  get(key: string, create: () => T): T {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = { value: create(), refs: 0, timer: undefined };
      this.entries.set(key, entry);
      // Created but never acquired (a render that was thrown away): forget it after the grace period.
      this.scheduleRelease(key, entry);
      this.onChange();
    }
    return entry.value;
  }

  /** The resource for `key`, if there is one. */
  peek(key: string): T | undefined {
    return this.entries.get(key)?.value;
  }

  /** Takes a reference, starting the resource for its first user. Returns the release function. */
  acquire(key: string, create: () => T): () => void {
    const value = this.get(key, create);
    const entry = this.entries.get(key)!;
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.refs++;
    if (entry.refs === 1) value.start();
    this.onChange();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      entry.refs--;
      if (entry.refs === 0) this.scheduleRelease(key, entry);
      this.onChange();
    };
  }

  /** How many users hold `key` (for diagnostics and tests). */
  refs(key: string): number {
    return this.entries.get(key)?.refs ?? 0;
  }

  /** Every key with its resource, for inspectors. */
  list(): Array<{ key: string; value: T; refs: number }> {
    return [...this.entries].map(([key, entry]) => ({ key, value: entry.value, refs: entry.refs }));
  }

  /** Stops everything now (the provider is going away). */
  async dispose(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    for (const entry of entries) if (entry.timer !== undefined) clearTimeout(entry.timer);
    if (entries.length > 0) this.onChange();
    await Promise.all(entries.map((entry) => entry.value.stop()));
  }

  private scheduleRelease(key: string, entry: Entry<T>): void {
    if (entry.timer !== undefined) clearTimeout(entry.timer);
    entry.timer = setTimeout(() => {
      entry.timer = undefined;
      if (entry.refs > 0 || this.entries.get(key) !== entry) return;
      this.entries.delete(key);
      this.onChange();
      void entry.value.stop();
    }, this.gracePeriodMs);
  }
}
