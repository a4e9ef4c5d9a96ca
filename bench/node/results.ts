/** Per-scenario results and their summary rows (medians and ratios). */
import { CONTENDERS, type ContenderName } from "./contenders/types.js";
import type { Sizes } from "./config.js";
import { max, median, min, ratio } from "./stats.js";
import type { Scenario } from "./scenarios/types.js";

type PerContender<T> = Record<ContenderName, T>;

/** One value per contender, each made by `make`. */
function perContender<T>(make: (name: ContenderName) => T): PerContender<T> {
  return Object.fromEntries(CONTENDERS.map((name) => [name, make(name)])) as PerContender<T>;
}

export interface ScenarioResult {
  readonly scenario: Scenario;
  /** One value per measured round (warm-up excluded). */
  readonly rounds: PerContender<number[]>;
  /** The secondary value per measured round, for scenarios that have one. */
  readonly secondaryRounds: PerContender<number[]>;
  /** Why a contender could not run it. */
  readonly unsupported: Partial<PerContender<string>>;
}

export function emptyResult(scenario: Scenario): ScenarioResult {
  return {
    scenario,
    rounds: perContender(() => []),
    secondaryRounds: perContender(() => []),
    unsupported: {},
  };
}

export interface SummaryRow {
  id: string;
  label: string;
  unit: string;
  median: PerContender<number | null>;
  min: PerContender<number | null>;
  max: PerContender<number | null>;
  rounds: PerContender<number[]>;
  /** ours / upstream: below 1, ours is better (every unit is lower-is-better). */
  oursOverUpstream: number | null;
  /** ours / fetch: how far above the floor ours is. */
  oursOverFetch: number | null;
  unsupported: Partial<PerContender<string>>;
}

const finite = (value: number): number | null => (Number.isFinite(value) ? value : null);

function row(
  id: string,
  label: string,
  unit: string,
  rounds: PerContender<number[]>,
  unsupported: Partial<PerContender<string>>,
): SummaryRow {
  const medians = perContender((name) => finite(median(rounds[name])));
  return {
    id,
    label,
    unit,
    median: medians,
    min: perContender((name) => finite(min(rounds[name]))),
    max: perContender((name) => finite(max(rounds[name]))),
    rounds,
    oursOverUpstream: finite(ratio(medians.ours ?? NaN, medians.upstream ?? NaN)),
    oursOverFetch: finite(ratio(medians.ours ?? NaN, medians.fetch ?? NaN)),
    unsupported,
  };
}

/** The scenario's row, and its secondary row when it has one. */
export function summarize(result: ScenarioResult, sizes: Sizes): SummaryRow[] {
  const { scenario } = result;
  const label = scenario.label(sizes);
  const rows = [row(scenario.id, label, scenario.unit, result.rounds, result.unsupported)];
  const second = scenario.secondary;
  if (second !== undefined) {
    const id = `${scenario.id}-${second.id}`;
    rows.push(row(id, second.label, second.unit, result.secondaryRounds, result.unsupported));
  }
  return rows;
}
