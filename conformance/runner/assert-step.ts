import { isDeepStrictEqual } from "node:util";
import { show } from "./expectations.js";
import type { AssertSpec } from "./translate.js";

/**
 * Evaluates a runner-side `assert` step (see `AssertSpec`). Returns a failure
 * message, or undefined when every given operator holds.
 */
export function evaluateAssert(spec: AssertSpec): string | undefined {
  const { value } = spec;
  const problems: string[] = [];
  if ("equals" in spec && !isDeepStrictEqual(value, spec.equals)) {
    problems.push(`expected ${show(value)} to equal ${show(spec.equals)}`);
  }
  if ("notEquals" in spec && isDeepStrictEqual(value, spec.notEquals)) {
    problems.push(`expected ${show(value)} to differ from ${show(spec.notEquals)}`);
  }
  if ("contains" in spec) {
    const needle = spec.contains;
    if (typeof value === "string") {
      if (typeof needle !== "string") problems.push(`contains: ${show(needle)} is not a string`);
      else if (!value.includes(needle))
        problems.push(`${show(value)} does not contain ${show(needle)}`);
    } else if (Array.isArray(value)) {
      if (!value.some((v: unknown) => isDeepStrictEqual(v, needle))) {
        problems.push(`${show(value)} has no element ${show(needle)}`);
      }
    } else {
      problems.push(`contains: value ${show(value)} is neither a string nor a list`);
    }
  }
  if (spec.regex !== undefined) {
    let pattern: RegExp | undefined;
    try {
      pattern = new RegExp(spec.regex);
    } catch (err) {
      problems.push(
        `invalid regex ${show(spec.regex)}: ${err instanceof Error ? err.message : ""}`,
      );
    }
    if (pattern !== undefined) {
      if (typeof value !== "string") problems.push(`regex: value ${show(value)} is not a string`);
      else if (!pattern.test(value)) problems.push(`${show(value)} does not match /${spec.regex}/`);
    }
  }
  if (problems.length === 0) return undefined;
  return `${spec.message !== undefined ? `${spec.message}: ` : ""}${problems.join("; ")}`;
}
