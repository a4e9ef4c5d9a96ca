import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { parse } from "yaml";
import {
  isCategory,
  isObj,
  type Category,
  type Obj,
  type RawStep,
  type TestCase,
} from "./types.js";

/**
 * The cases could not be loaded (missing directory, no YAML, bad YAML or a
 * malformed file). Always a failure of the run, never a skip.
 */
export class CaseLoadError extends Error {
  override readonly name = "CaseLoadError";
}

const FILE_KEYS = new Set(["id", "name", "description", "category", "tags", "requires", "tests"]);
/**
 * Test-level keys. `requiredFeatures` (`[json]` on six tests) is accepted and
 * deliberately ignored: the upstream runner does not read it and no adapter
 * reports a `json` feature (ADAPTER.md §7).
 */
const TEST_KEYS = new Set([
  "id",
  "name",
  "description",
  "tags",
  "requires",
  "requiredFeatures",
  "skip",
  "setup",
  "operations",
  "cleanup",
]);

/** Loads every `*.yaml` / `*.yml` file under `dir` (recursively), sorted by path. */
export async function loadCases(dir: string): Promise<TestCase[]> {
  let info;
  try {
    info = await stat(dir);
  } catch {
    throw new CaseLoadError(`cases directory not found: ${dir}`);
  }
  if (!info.isDirectory()) throw new CaseLoadError(`cases path is not a directory: ${dir}`);

  const files = (await listYaml(dir)).sort();
  if (files.length === 0) throw new CaseLoadError(`no YAML case files under ${dir}`);

  const cases: TestCase[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const rel = relative(dir, file).split(sep).join("/");
    let doc: unknown;
    try {
      doc = parse(await readFile(file, "utf8"));
    } catch (err) {
      throw new CaseLoadError(`${rel}: invalid YAML: ${errorText(err)}`);
    }
    for (const tc of fileCases(doc, rel)) {
      const previous = seen.get(tc.id);
      if (previous !== undefined) {
        throw new CaseLoadError(`${rel}: duplicate test id "${tc.id}" (also in ${previous})`);
      }
      seen.set(tc.id, rel);
      cases.push(tc);
    }
  }
  return cases;
}

/** `--suite` keeps files of the given categories; `--tag` keeps tests with any given tag. */
export function filterCases(
  cases: readonly TestCase[],
  filter: { readonly suites: readonly Category[]; readonly tags: readonly string[] },
): TestCase[] {
  return cases.filter(
    (tc) =>
      (filter.suites.length === 0 || filter.suites.includes(tc.category)) &&
      (filter.tags.length === 0 ||
        filter.tags.some((t) => tc.tags.includes(t) || tc.fileTags.includes(t))),
  );
}

async function listYaml(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listYaml(full)));
    else if (entry.isFile() && /\.ya?ml$/i.test(entry.name)) out.push(full);
  }
  return out;
}

function fileCases(doc: unknown, rel: string): TestCase[] {
  if (!isObj(doc)) throw new CaseLoadError(`${rel}: top level must be a mapping`);
  for (const key of Object.keys(doc)) {
    if (!FILE_KEYS.has(key)) throw new CaseLoadError(`${rel}: unknown top-level key "${key}"`);
  }
  const suiteId = requireString(doc, "id", rel);
  const category = requireString(doc, "category", rel);
  if (!isCategory(category)) {
    throw new CaseLoadError(`${rel}: unknown category "${category}"`);
  }
  const fileTags = stringList(doc, "tags", rel);
  const fileRequires = stringList(doc, "requires", rel);
  const tests = doc["tests"];
  if (!Array.isArray(tests)) throw new CaseLoadError(`${rel}: "tests" must be a list`);

  return tests.map((t: unknown, i): TestCase => {
    const where = `${rel} tests[${i}]`;
    if (!isObj(t)) throw new CaseLoadError(`${where}: must be a mapping`);
    for (const key of Object.keys(t)) {
      if (!TEST_KEYS.has(key)) throw new CaseLoadError(`${where}: unknown key "${key}"`);
    }
    const skip = t["skip"];
    if (skip !== undefined && typeof skip !== "string" && typeof skip !== "boolean") {
      throw new CaseLoadError(`${where}: "skip" must be a string or boolean`);
    }
    return {
      id: requireString(t, "id", where),
      name: typeof t["name"] === "string" ? t["name"] : requireString(t, "id", where),
      file: rel,
      suiteId,
      category,
      tags: stringList(t, "tags", where),
      fileTags,
      requires: stringList(t, "requires", where),
      fileRequires,
      skip: skip === true ? "marked skip" : typeof skip === "string" ? skip : undefined,
      setup: stepList(t, "setup", where),
      operations: stepList(t, "operations", where),
      cleanup: stepList(t, "cleanup", where),
    };
  });
}

function requireString(o: Obj, key: string, where: string): string {
  const v = o[key];
  if (typeof v !== "string" || v.length === 0) {
    throw new CaseLoadError(`${where}: "${key}" must be a non-empty string`);
  }
  return v;
}

function stringList(o: Obj, key: string, where: string): string[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x): x is string => typeof x === "string")) {
    throw new CaseLoadError(`${where}: "${key}" must be a list of strings`);
  }
  return v;
}

function stepList(o: Obj, key: string, where: string): RawStep[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new CaseLoadError(`${where}: "${key}" must be a list`);
  return v.map((s: unknown, i) => {
    if (!isObj(s) || typeof s["action"] !== "string") {
      throw new CaseLoadError(`${where} ${key}[${i}]: a step must be a mapping with an "action"`);
    }
    return s;
  });
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
