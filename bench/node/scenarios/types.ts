import type { Sizes } from "../config.js";
import { Unsupported, type Contender, type ContenderName } from "../contenders/types.js";

/** Shared fixture streams, seeded once per run. */
export type FixtureName = "json" | "binary";

/** What a scenario gets to work with. */
export interface BenchEnv {
  /** `http://127.0.0.1:<port>`. */
  readonly baseUrl: string;
  readonly sizes: Sizes;
  readonly contenders: Readonly<Record<ContenderName, Contender>>;
  /** The URL of a shared, seeded stream (seeded on first use). */
  fixture(name: FixtureName): Promise<string>;
  /** A full garbage collection, outside the timed parts. */
  gc(): void;
}

export interface Scenario {
  /** Matched by `--only`, with {@link group}. */
  readonly id: string;
  readonly group: string;
  label(sizes: Sizes): string;
  /** Every unit is lower-is-better. */
  readonly unit: "ms" | "MiB";
  /** How one round's value is obtained, for the footnotes. */
  readonly method: string;
  /** A second value measured in the same runs, printed as a row of its own. */
  readonly secondary?: { readonly id: string; readonly label: string; readonly unit: string };
  /**
   * One round: a value for each contender in `order` (that order is rotated
   * from round to round). Verifies what it measured and throws if anything is
   * off; a contender that cannot do it gets an `Unsupported` instead of a value.
   */
  measureRound(order: readonly ContenderName[], env: BenchEnv): Promise<RoundValues>;
}

/** One contender's value for one round, and the secondary one if the scenario has it. */
export interface Measured {
  value: number;
  secondary?: number;
}

/**
 * The client process's CPU time (user + system) in the timed part: the
 * client's own cost, which load from other processes barely changes, unlike
 * wall time.
 */
export const CLIENT_CPU = { id: "cpu", label: "  same, client CPU time", unit: "ms CPU" } as const;

export type RoundValues = Partial<Record<ContenderName, Measured | Unsupported>>;

/** Runs `measure` for each contender in turn: for scenarios whose one run is long. */
export function oneAfterAnother(
  measure: (name: ContenderName, env: BenchEnv) => Promise<Measured>,
): Scenario["measureRound"] {
  return async (order, env) => {
    const values: RoundValues = {};
    for (const name of order) values[name] = await attempt(name, () => measure(name, env));
    return values;
  };
}

/** The value, or the `Unsupported` it threw; any other failure names the contender. */
export async function attempt<T>(
  name: ContenderName,
  run: () => Promise<T>,
): Promise<T | Unsupported> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof Unsupported) return error;
    throw new Error(`${name} failed`, { cause: error });
  }
}
