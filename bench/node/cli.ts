import { parseArgs } from "node:util";

/** Parsed command line of `npm run bench:node`. */
export interface CliOptions {
  readonly rounds: number;
  readonly quick: boolean;
  readonly only: readonly string[];
  readonly json: boolean;
}

export const USAGE = `Usage: npm run bench:node -- [options]

  --rounds N        measured rounds after one uncounted warm-up round (default 5; 2 with --quick)
  --quick           much smaller sizes, for a fast smoke run
  --only NAME       run only this scenario or group (repeatable)
  --json            print machine-readable JSON instead of the table
  --help            this text`;

/** Throws with a readable message on a bad command line; `undefined` means "print help". */
export function parseCli(argv: readonly string[]): CliOptions | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      rounds: { type: "string" },
      quick: { type: "boolean", default: false },
      only: { type: "string", multiple: true },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) return undefined;
  const quick = values.quick ?? false;
  let rounds = quick ? 2 : 5;
  if (values.rounds !== undefined) {
    rounds = Number(values.rounds);
    if (!Number.isSafeInteger(rounds) || rounds < 1) {
      throw new Error(`--rounds must be a whole number of at least 1, got ${values.rounds}`);
    }
  }
  return { rounds, quick, only: values.only ?? [], json: values.json ?? false };
}
