import { evaluateAssert } from "./assert-step.js";
import { checkResult } from "./expectations.js";
import type { ServerSteps } from "./server.js";
import { ACTIONS_WITH_EXPECT } from "./step-fields.js";
import { newStreamPath, translateStep, type StepPlan } from "./translate.js";
import {
  isObj,
  type AdapterConnection,
  type CaseFailure,
  type Command,
  type Obj,
  type RawStep,
  type SendOutcome,
  type TestCase,
} from "./types.js";
import { Variables } from "./variables.js";

export interface ExecuteDeps {
  readonly adapter: AdapterConnection;
  readonly server: ServerSteps;
  /** Per-command timeout (`--timeout`). */
  readonly timeoutMs: number;
  /** Path for a `create` without `path` (default `/test-stream-<uuid>`). */
  readonly newPath?: () => string;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Extra time a read that runs for `timeoutMs` gets before the runner gives up on it. */
const READ_TIMEOUT_MARGIN_MS = 5_000;

/**
 * The runner's timeout for one command: `--timeout`, except that a `read`
 * asked to run for `timeoutMs` (live reads collect until then) gets at least
 * `timeoutMs` + 5 s, so that the runner does not cut short a read the case
 * itself asked to last that long (e.g. 10 s background reads under
 * `--timeout 10000`).
 */
export function commandTimeout(command: Command, timeoutMs: number): number {
  const own = command["timeoutMs"];
  if (command.type === "read" && typeof own === "number" && own > 0) {
    return Math.max(timeoutMs, own + READ_TIMEOUT_MARGIN_MS);
  }
  return timeoutMs;
}

/**
 * Runs one test case: clears variables, runs `setup` then `operations`
 * (stopping at the first failing step), then `cleanup` (failures ignored).
 * Resolves to the failure, or undefined when the case passed.
 *
 * Background reads: the read is sent and its pending answer kept under its
 * `as:` name; runner-side steps (HTTP, timers, variables) run meanwhile. The
 * adapter is sequential, so before any other adapter command is sent every
 * outstanding background read is waited for first. A background read that
 * is never `await`ed fails the case.
 */
export async function runCase(tc: TestCase, deps: ExecuteDeps): Promise<CaseFailure | undefined> {
  const run = new CaseRun(deps);
  let failure = await run.phase("setup", tc.setup);
  failure ??= await run.phase("operations", tc.operations);
  if (failure === undefined) {
    const forgotten = run.unawaited();
    if (forgotten.length > 0) {
      failure = {
        step: "operations",
        reason: `background read(s) never awaited: ${forgotten.join(", ")}`,
      };
    }
  }
  await run.drain();
  await run.phase("cleanup", tc.cleanup);
  await run.drain();
  return failure;
}

class CaseRun {
  private readonly vars = new Variables();
  private readonly pending = new Map<string, Promise<SendOutcome>>();
  private readonly awaited = new Set<string>();
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly deps: ExecuteDeps) {
    this.sleep = deps.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Runs the steps of one phase; cleanup failures are ignored. */
  async phase(
    name: "setup" | "operations" | "cleanup",
    steps: readonly RawStep[],
  ): Promise<CaseFailure | undefined> {
    for (const [i, step] of steps.entries()) {
      const label = stepLabel(name, i, step);
      let reason: string | undefined;
      try {
        reason = await this.step(step);
      } catch (err) {
        reason = err instanceof Error ? err.message : String(err);
      }
      if (reason !== undefined && name !== "cleanup") return { step: label, reason };
    }
    return undefined;
  }

  /** Names of background reads that were started but never awaited. */
  unawaited(): string[] {
    return [...this.pending.keys()].filter((n) => !this.awaited.has(n));
  }

  /** Waits for every outstanding background read (their promises never reject). */
  async drain(): Promise<void> {
    await Promise.all(this.pending.values());
  }

  /** Runs one step; resolves to a failure reason or undefined. */
  private async step(step: RawStep): Promise<string | undefined> {
    const { expect, ...rest } = step;
    const action = String(step["action"]);
    if (expect !== undefined && !ACTIONS_WITH_EXPECT.has(action)) {
      return `"expect" is not allowed on ${action}`;
    }
    const expanded = this.vars.expand(rest);
    if (!isObj(expanded)) return "internal error: step did not expand to a mapping";
    const plan = translateStep(expanded, this.deps.newPath ?? newStreamPath);
    return this.execute(plan, expect);
  }

  private async execute(plan: StepPlan, expect: unknown): Promise<string | undefined> {
    const { timeoutMs, server } = this.deps;
    switch (plan.kind) {
      case "adapter": {
        const { command } = plan;
        if (plan.background !== undefined) {
          if (expect !== undefined) return `a background read has no "expect"; put it on "await"`;
          if (this.pending.has(plan.background)) {
            return `background read "${plan.background}" already exists`;
          }
          await this.drain();
          this.pending.set(plan.background, this.send(command));
          return undefined;
        }
        await this.drain();
        const outcome = await this.send(command);
        if (!outcome.ok) return outcome.error;
        const reason = this.judge(command.type, expect, outcome.result);
        if (reason === undefined && plan.storePathAs !== undefined) {
          this.vars.set(plan.storePathAs, command["path"]);
        }
        return reason;
      }
      case "append-batch": {
        // §5.4: sequential appends; one fabricated result: status 200 if all
        // succeeded, else 207 with success false; per-item results in `results`.
        await this.drain();
        const results: unknown[] = [];
        for (const command of plan.commands) {
          const outcome = await this.send(command);
          if (!outcome.ok) return `item ${results.length}: ${outcome.error}`;
          results.push(outcome.result);
        }
        const all = results.every((r) => isObj(r) && r["success"] === true);
        const combined: Obj = {
          type: "append-batch",
          success: all,
          status: all ? 200 : 207,
          results,
        };
        return this.judge("append-batch", expect, combined);
      }
      case "server-append":
        return this.judge(
          "server-append",
          expect,
          await server.serverAppend(plan.path, plan.body, plan.headers, timeoutMs),
        );
      case "server-close":
        return this.judge(
          "server-close",
          expect,
          await server.serverClose(plan.path, plan.data, plan.contentType, timeoutMs),
        );
      case "inject-error":
        return server.injectError(plan.fault, timeoutMs);
      case "clear-errors":
        return server.clearErrors(timeoutMs);
      case "wait":
        await this.sleep(plan.ms);
        return undefined;
      case "set":
        this.vars.set(plan.name, plan.value);
        return undefined;
      case "assert":
        return evaluateAssert(plan.spec);
      case "await": {
        const pending = this.pending.get(plan.ref);
        if (pending === undefined) return `no background read named "${plan.ref}"`;
        this.awaited.add(plan.ref);
        const outcome = await pending;
        if (!outcome.ok) return outcome.error;
        return this.judge("read", expect, outcome.result);
      }
    }
  }

  private send(command: Command): Promise<SendOutcome> {
    return this.deps.adapter.send(command, commandTimeout(command, this.deps.timeoutMs));
  }

  /** Checks a result and applies its `store*` variables; returns a failure reason. */
  private judge(type: string, expect: unknown, result: unknown): string | undefined {
    const outcome = checkResult(type, this.vars.expand(expect), result);
    if (outcome.failures.length > 0) return outcome.failures.join("; ");
    for (const [name, value] of outcome.stores) this.vars.set(name, value);
    return undefined;
  }
}

function stepLabel(phase: string, index: number, step: RawStep): string {
  const action = String(step["action"]);
  const ref = action === "await" && typeof step["ref"] === "string" ? ` ${step["ref"]}` : "";
  return `${phase}[${index}] ${action}${ref}`;
}
