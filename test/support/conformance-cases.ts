import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { ROOT } from "./cli.js";

/** The shared conformance cases, beside the checkout (`../shared`). */
export const SHARED_CASES = resolve(ROOT, "../shared/conformance/cases");

/**
 * Tests that read the shared cases skip on a plain clone without `../shared`
 * (they say so in the summary's skipped count), never under CI, which always
 * has them: there a missing folder fails these tests.
 */
export const withoutSharedCases = !existsSync(SHARED_CASES) && !process.env.CI;
