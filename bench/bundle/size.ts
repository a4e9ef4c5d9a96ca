/**
 * `npm run size`: bundles small consumer programs against the built package
 * (dist/) and the upstream client, prints their sizes, and exits with 1 when
 * one of ours grows past its gzip budget in budget.json.
 *
 *   npm run build && npm run size
 *   npm run size -- --keep     keep the bundles (path printed) to inspect them
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkBudgets, parseBudgets } from "./budget.js";
import { bundle } from "./bundle.js";
import { CONSUMERS } from "./consumers.js";
import { distAliases, distIsStale, type DistAlias } from "./dist-entries.js";
import { sizeOf, type Size } from "./measure.js";
import { formatTable } from "./table.js";

const BUDGET_FILE = fileURLToPath(new URL("./budget.json", import.meta.url));

interface ConsumerSize {
  name: string;
  ours: Size;
  upstream: Size | undefined;
  /** Markers found where they must not be, or missing where they must be. */
  markerFailures: string[];
}

function checkMarkers(
  name: string,
  code: readonly string[],
  markers: Readonly<Record<string, boolean>>,
): string[] {
  return Object.entries(markers).flatMap(([marker, wanted]) => {
    const found = code.some((file) => file.includes(marker));
    if (found === wanted) return [];
    return [`${name}: ${wanted ? "lacks" : "bundles"} code marked "${marker}"`];
  });
}

/** Bundles every consumer and its upstream twin, one build at a time (two cores gain little). */
async function measureAll(workDir: string, aliases: readonly DistAlias[]): Promise<ConsumerSize[]> {
  const build = (entry: string): Promise<string[]> =>
    bundle(entry, join(workDir, basename(entry).replace(/\.[^.]+$/, "")), aliases);
  const results: ConsumerSize[] = [];
  for (const { name, entry, upstreamEntry, markers } of CONSUMERS) {
    const code = await build(entry);
    const upstream = upstreamEntry === undefined ? undefined : sizeOf(await build(upstreamEntry));
    const markerFailures = markers ? checkMarkers(name, code, markers) : [];
    results.push({ name, ours: sizeOf(code), upstream, markerFailures });
  }
  return results;
}

async function main(): Promise<number> {
  let aliases: DistAlias[];
  try {
    aliases = distAliases();
  } catch (error) {
    console.error(`size: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  if (distIsStale(aliases)) {
    console.warn("size: src/ changed after dist/ was built; run `npm run build` for current sizes");
  }
  const budgets = parseBudgets(JSON.parse(await readFile(BUDGET_FILE, "utf8")), BUDGET_FILE);

  const keep = process.argv.includes("--keep");
  const workDir = await mkdtemp(join(tmpdir(), "rds-size-"));
  let results: ConsumerSize[];
  try {
    results = await measureAll(workDir, aliases);
  } finally {
    if (keep) console.log(`size: bundles kept in ${workDir}`);
    else await rm(workDir, { recursive: true, force: true });
  }

  const report = checkBudgets(
    results.map(({ name, ours }) => ({ name, gzipBytes: ours.gzipBytes })),
    budgets,
  );
  const table = formatTable(
    results.map((result, i) => ({
      name: result.name,
      minBytes: result.ours.minBytes,
      gzipBytes: result.ours.gzipBytes,
      upstreamGzipBytes: result.upstream?.gzipBytes,
      budget: report.verdicts[i]?.budget,
      status: report.verdicts[i]?.status ?? "missing",
    })),
  );
  console.log(table);
  console.log("gzip: node:zlib level 9. react, react-dom, react/jsx-runtime external.");

  const markerFailures = results.flatMap((result) => result.markerFailures);
  if (markerFailures.length > 0) {
    console.error("\nsize: tree-shaking check failed:");
    for (const failure of markerFailures) console.error(`  - ${failure}`);
  }
  if (report.failures.length > 0) {
    console.error(`\nsize: budget check failed (${BUDGET_FILE}):`);
    for (const failure of report.failures) console.error(`  - ${failure}`);
  }
  return report.failures.length > 0 || markerFailures.length > 0 ? 1 : 0;
}

process.exitCode = await main();
