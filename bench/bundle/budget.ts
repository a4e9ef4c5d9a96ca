/**
 * Budget check for bundle sizes: pure, so the rules are tested without
 * building anything (test/bench/size-budget.test.ts).
 */

/** Gzip budget in bytes per consumer name, as stored in budget.json. */
export type Budgets = Readonly<Record<string, number>>;

/** One of our consumers, measured. */
export interface Measured {
  name: string;
  gzipBytes: number;
}

export type BudgetStatus = "ok" | "over" | "missing";

export interface BudgetVerdict {
  name: string;
  gzipBytes: number;
  budget: number | undefined;
  status: BudgetStatus;
}

export interface BudgetReport {
  verdicts: BudgetVerdict[];
  /** One sentence per problem; empty when every size is within its budget. */
  failures: string[];
}

/** Validates parsed budget.json: an object of positive integer byte counts. */
export function parseBudgets(value: unknown, source = "budget.json"): Budgets {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${source}: expected an object of consumer name -> gzip bytes`);
  }
  const budgets: Record<string, number> = {};
  for (const [name, bytes] of Object.entries(value)) {
    if (typeof bytes !== "number" || !Number.isInteger(bytes) || bytes <= 0) {
      throw new Error(`${source}: budget of "${name}" must be a positive integer (bytes)`);
    }
    budgets[name] = bytes;
  }
  return budgets;
}

/**
 * Compares each measurement with its budget. A size equal to the budget
 * passes. A consumer without a budget fails (a new consumer must be given
 * one), and so does a budget naming no consumer (a rename would otherwise
 * leave the real one unguarded).
 */
export function checkBudgets(measured: readonly Measured[], budgets: Budgets): BudgetReport {
  const verdicts: BudgetVerdict[] = [];
  const failures: string[] = [];
  for (const { name, gzipBytes } of measured) {
    const budget = Object.hasOwn(budgets, name) ? budgets[name] : undefined;
    if (budget === undefined) {
      verdicts.push({ name, gzipBytes, budget, status: "missing" });
      failures.push(`${name}: ${gzipBytes} B gzip has no budget; add "${name}" to budget.json`);
    } else if (gzipBytes > budget) {
      verdicts.push({ name, gzipBytes, budget, status: "over" });
      failures.push(
        `${name}: ${gzipBytes} B gzip is over its budget of ${budget} B (+${gzipBytes - budget} B)`,
      );
    } else {
      verdicts.push({ name, gzipBytes, budget, status: "ok" });
    }
  }
  const names = new Set(measured.map((m) => m.name));
  for (const name of Object.keys(budgets)) {
    if (!names.has(name)) failures.push(`budget.json names "${name}", which is not a consumer`);
  }
  return { verdicts, failures };
}
