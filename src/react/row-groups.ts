/**
 * Fixed-size groups of consecutive rows, so a long list's commit touches the
 * groups (length / size of them) rather than every row: a group whose rows
 * are unchanged is skipped by its memo comparator, and an append-only stream
 * changes only its last group.
 */

/** One group: rows `[start, end)`. */
export interface RowRange {
  start: number;
  end: number;
}

/** The groups covering rows `[start, end)`, `size` rows each from `start`; the last may be shorter. */
export function rowGroups(start: number, end: number, size: number): RowRange[] {
  const groups: RowRange[] = [];
  for (let from = start; from < end; from += size) {
    groups.push({ start: from, end: Math.min(from + size, end) });
  }
  return groups;
}

/** Rows `[start, end)` of group `index`, or an empty range past the end. */
export function rowGroup(index: number, size: number, length: number): RowRange {
  const start = Math.min(index * size, length);
  return { start, end: Math.min(start + size, length) };
}

/**
 * Whether rows `[start, end)` hold the same items in both arrays. An
 * append-only stream keeps every earlier item (the same object), so this is
 * a few pointer comparisons; a reset replaces the items and shows here.
 */
export function sameRows(
  previous: readonly unknown[],
  next: readonly unknown[],
  start: number,
  end: number,
): boolean {
  if (previous === next) return true;
  for (let index = start; index < end; index++) {
    if (!Object.is(previous[index], next[index])) return false;
  }
  return true;
}
