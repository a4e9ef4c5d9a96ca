import { parseArgs } from "node:util";

/** Command-line options of `npm run bench:render`. */
export interface BenchOptions {
  /** How long tokens are written. */
  seconds: number;
  /** Tokens per second. */
  rate: number;
  /** Print the results as JSON instead of a table. */
  json: boolean;
  /** The long-stream bench instead: 2 MB of text, 20,000 messages. */
  long: boolean;
  /** With `long`: only the variants whose view starts with this. */
  only: string | undefined;
}

export const USAGE = `Usage: npm run bench:render -- [--seconds N] [--rate N] [--json]
       npm run bench:render -- --long [--seconds N] [--only VIEW]

  --seconds N  how long tokens are written (default 10; with --long, each window, default 60)
  --rate N     tokens per second (default 5000)
  --json       print the results as JSON instead of a table
  --long       long streams: 100 KB then 2 MB of text, 1,000 then 20,000 messages
  --only VIEW  with --long, only views starting with VIEW (text-default, text-normal,
               text-blocks, text-single, list, virtual-list)`;

/** Parses the arguments; throws with the usage on anything unknown or invalid. */
export function parseOptions(args: string[]): BenchOptions | "help" {
  const { values } = parseArgs({
    args,
    options: {
      seconds: { type: "string" },
      rate: { type: "string" },
      json: { type: "boolean", default: false },
      long: { type: "boolean", default: false },
      only: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) return "help";
  return {
    seconds: positive("--seconds", values.seconds ?? (values.long ? "60" : "10")),
    rate: positive("--rate", values.rate ?? "5000"),
    json: values.json,
    long: values.long,
    only: values.only,
  };
}

function positive(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name} must be a positive number, got "${raw}"\n\n${USAGE}`);
  }
  return value;
}
