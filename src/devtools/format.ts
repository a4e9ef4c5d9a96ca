/** How the devtools panel writes numbers and times. Pure: tested as tables. */

/** `1234` → `"1.2 KB"`; bytes in powers of 1024, one decimal below 10. */
export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} B`;
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** The wait until `at` as `"in 3 s"` (`"now"` once due); `"—"` without one. */
export function formatCountdown(at: number | undefined, now: number): string {
  if (at === undefined) return "—";
  const seconds = Math.ceil((at - now) / 1000);
  return seconds <= 0 ? "now" : `in ${seconds} s`;
}

/** How long ago `at` was: `"4 s ago"`, `"3 min ago"`, `"2 h ago"`. */
export function formatAgo(at: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  return `${Math.round(minutes / 60)} h ago`;
}

/** An error as one line: its name and message. */
export function formatError(error: Error | undefined): string {
  if (!error) return "—";
  return error.message.startsWith(error.name) ? error.message : `${error.name}: ${error.message}`;
}
