/** One entry of a list merged with pending writes. */
export interface MergedItem<Item> {
  readonly item: Item;
  /** The app's key of it (undefined for an item of the stream that has none). */
  readonly key: string | number | undefined;
  /** Written here and not yet back from the stream: show it as pending. */
  readonly pending: boolean;
}

/**
 * A stream's items followed by this tab's pending writes that the stream has
 * not brought back yet, in order: a write shows at once, as pending, and
 * once it arrives it is shown (only) where the stream has it, never twice.
 * `keyOf` names a message (an id the app puts in each one); a pending message
 * it gives no key for (not of the list's kind) is left out. Pure.
 */
export function mergePending<Item>(
  items: readonly Item[],
  pending: readonly unknown[],
  keyOf: (message: Item) => string | number | undefined,
): MergedItem<Item>[] {
  const merged = items.map((item) => ({ item, key: keyOf(item), pending: false }));
  const present = new Set(merged.map((entry) => entry.key));
  for (const message of pending as Item[]) {
    const key = keyOf(message);
    if (key === undefined || present.has(key)) continue;
    present.add(key);
    merged.push({ item: message, key, pending: true });
  }
  return merged;
}
