import { parseArgs } from "node:util";

/** Command-line options of `npm run bench:render`. */
export interface BenchOptions {
  /** How long tokens are written. */
  seconds: number;
  /** Tokens per second. */
  rate: number;
  /** Print the results as JSON instead of a table. */
  json: boolean;
}

export const USAGE = `Usage: npm run bench:render -- [--seconds N] [--rate N] [--json]

  --seconds N  how long tokens are written (default 10)
  --rate N     tokens per second (default 5000)
  --json       print the results as JSON instead of a table`;

/** Parses the arguments; throws with the usage on anything unknown or invalid. */
export function parseOptions(args: string[]): BenchOptions | "help" {
  const { values } = parseArgs({
    args,
    options: {
      seconds: { type: "string" },
      rate: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) return "help";
  return {
    seconds: positive("--seconds", values.seconds ?? "10"),
    rate: positive("--rate", values.rate ?? "5000"),
    json: values.json,
  };
}

function positive(name: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name} must be a positive number, got "${raw}"\n\n${USAGE}`);
  }
  return value;
}
