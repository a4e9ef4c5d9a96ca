import { parseArgs } from "node:util";

/** Parsed command line of `npm run bench:tabs`. */
export interface CliOptions {
  /** How many tabs each run opens, one run per count and cross-tab setting. */
  readonly tabs: readonly number[];
  /** Messages appended per run. */
  readonly appends: number;
  /** Pause between the starts of two appends, ms. */
  readonly intervalMs: number;
  readonly quick: boolean;
  /** Tabs of one window (throttled frames behind the front tab) instead of a window per tab. */
  readonly sameWindow: boolean;
}

export const USAGE = `Usage: npm run bench:tabs -- [options]

Opens N tabs of the demo's generation page in one Chromium context, with
cross-tab sharing on and off (?crossTab=0), appends small text messages to
the stream from Node and measures, per tab, the time from just before each
POST until the message shows in the page; also the live requests the demo
server sees meanwhile.

  --quick           fewer appends (10 instead of 30), for a fast smoke run
  --appends K       messages appended per run (default 30; 10 with --quick)
  --interval MS     pause between appends in ms (default 150)
  --tabs LIST       tab counts, comma separated (default 1,5,10)
  --same-window     open the tabs as tabs of one window (context.newPage()) instead
                    of one window each; headless Chromium then gives the tabs behind
                    the front one only a few animation frames per second
  --help            this text

Progress goes to stderr, the Markdown table to stdout. Exit code 1 when a
run fails (a tab that never goes live, or never shows a message within 10 s),
2 on a bad command line.`;

function positiveInteger(raw: string, flag: string, max: number): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new Error(`${flag} must be a whole number from 1 to ${max}, got "${raw}"`);
  }
  return value;
}

/** Throws with a readable message on a bad command line; `undefined` means "print help". */
export function parseCli(argv: readonly string[]): CliOptions | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: "boolean", default: false },
      appends: { type: "string" },
      interval: { type: "string" },
      tabs: { type: "string" },
      "same-window": { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return undefined;
  const quick = values.quick ?? false;
  const appends =
    values.appends === undefined
      ? quick
        ? 10
        : 30
      : positiveInteger(values.appends, "--appends", 9999);
  const intervalMs =
    values.interval === undefined ? 150 : positiveInteger(values.interval, "--interval", 60_000);
  const tabs =
    values.tabs === undefined
      ? [1, 5, 10]
      : values.tabs.split(",").map((part) => positiveInteger(part.trim(), "--tabs", 50));
  return { tabs, appends, intervalMs, quick, sameWindow: values["same-window"] ?? false };
}
