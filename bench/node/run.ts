/**
 * `npm run bench:node`: our client against the upstream client and plain
 * fetch, against one reference server, interleaved over several rounds.
 * See `--help`. Progress goes to stderr; the table (or `--json`) to stdout.
 */
import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { REPO_ROOT } from "./child-process.js";
import { parseCli, USAGE } from "./cli.js";
import { FULL_SIZES, QUICK_SIZES, SERVER_COMPRESSION, type Sizes } from "./config.js";
import { makeContender } from "./contenders/index.js";
import { CONTENDERS, Unsupported, type Contender, type ContenderName } from "./contenders/types.js";
import { seedBinaryStream, seedJsonStream, uniqueUrl } from "./fixtures.js";
import { collectGarbage } from "./gc.js";
import { emptyResult, summarize, type ScenarioResult } from "./results.js";
import { selectScenarios } from "./scenarios/index.js";
import { CLIENT_CPU, type BenchEnv, type FixtureName, type Scenario } from "./scenarios/types.js";
import { startServer } from "./server.js";
import { formatNumber } from "./stats.js";
import { renderTable, type ReportHeader } from "./table.js";

function packageVersion(name: string): string {
  const path = `${REPO_ROOT}node_modules/${name}/package.json`;
  return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
}

/** Contender order for a round: rotated, so that no one always goes first. */
function rotation(round: number): ContenderName[] {
  const shift = round % CONTENDERS.length;
  return [...CONTENDERS.slice(shift), ...CONTENDERS.slice(0, shift)];
}

function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}

function makeEnv(baseUrl: string, sizes: Sizes): BenchEnv {
  const fixtures = new Map<FixtureName, Promise<string>>();
  const contenders = Object.fromEntries(
    CONTENDERS.map((name) => [name, makeContender(name)]),
  ) as Record<ContenderName, Contender>;
  return {
    baseUrl,
    sizes,
    contenders,
    gc: collectGarbage,
    fixture(name) {
      let url = fixtures.get(name);
      if (url === undefined) {
        const target = uniqueUrl(baseUrl, `fixture-${name}`);
        progress(`seeding ${name} fixture ${target}`);
        const seeded =
          name === "json"
            ? seedJsonStream(target, sizes.jsonMessages)
            : seedBinaryStream(target, sizes.binaryBytes);
        url = seeded.then(() => target);
        fixtures.set(name, url);
      }
      return url;
    },
  };
}

async function runRounds(
  scenarios: readonly Scenario[],
  env: BenchEnv,
  rounds: number,
): Promise<ScenarioResult[]> {
  const results = scenarios.map(emptyResult);
  // Round 0 is the warm-up: run the same way, not counted.
  for (let round = 0; round <= rounds; round++) {
    const order = rotation(round);
    progress(`${round === 0 ? "warm-up round" : `round ${round}/${rounds}`}: ${order.join(", ")}`);
    for (const result of results) {
      const active = order.filter((name) => result.unsupported[name] === undefined);
      const roundValues = await result.scenario
        .measureRound(active, env)
        .catch((error: unknown) => {
          throw new Error(`${result.scenario.id} failed`, { cause: error });
        });
      const values: string[] = [];
      for (const name of active) {
        const value = roundValues[name];
        if (value === undefined) throw new Error(`${result.scenario.id} gave no value for ${name}`);
        if (value instanceof Unsupported) {
          result.unsupported[name] = value.reason;
          continue;
        }
        if (round > 0) {
          result.rounds[name].push(value.value);
          if (value.secondary !== undefined) result.secondaryRounds[name].push(value.secondary);
        }
        const second = value.secondary === undefined ? "" : ` / ${formatNumber(value.secondary)}`;
        values.push(`${name} ${formatNumber(value.value)}${second}`);
      }
      progress(`  ${result.scenario.id} (${result.scenario.unit}): ${values.join(", ")}`);
    }
  }
  return results;
}

function footnotes(env: BenchEnv, scenarios: readonly Scenario[]): string[] {
  const notes = [
    "Every unit is lower-is-better. Each cell is the median over the measured rounds; per-sample " +
      "scenarios (latency, append, create) first take the median of the round's samples.",
    "ours/upstream < 1 means ours is better by the factor in brackets; ours/fetch is how far ours is " +
      "above plain fetch on the same URLs (the floor; the producer floor is sequential, so a " +
      "pipelining client can go below it).",
  ];
  if (scenarios.some((scenario) => scenario.secondary?.id === CLIENT_CPU.id)) {
    notes.push(
      "'same, client CPU time': user + system CPU time of the benchmark process (the client side " +
        "only; the server runs in a process of its own) during the timed part. Unlike wall time it " +
        "barely moves with load from other processes, so it is the steadier comparison on a busy machine.",
    );
  }
  for (const scenario of scenarios) notes.push(`${scenario.label(env.sizes)}: ${scenario.method}.`);
  for (const name of CONTENDERS) {
    const d = env.contenders[name].describe;
    notes.push(
      `${name}: read JSON ${d.readJson}; read bytes ${d.readBytes}; live ${d.follow}; produce ${d.produce}.`,
    );
  }
  notes.push(
    "Latency: each contender appends with its own plain append (ours appendJson, upstream " +
      "append(JSON.stringify), fetch POST [message]); the reader starts from offset -1 on a fresh stream.",
  );
  return notes;
}

async function main(): Promise<void> {
  let options;
  try {
    options = parseCli(process.argv.slice(2));
  } catch (error) {
    progress(`${(error as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (options === undefined) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let scenarios: Scenario[];
  try {
    scenarios = selectScenarios(options.only);
  } catch (error) {
    progress((error as Error).message);
    process.exitCode = 2;
    return;
  }
  const sizes = options.quick ? QUICK_SIZES : FULL_SIZES;
  const server = await startServer();
  progress(`server ${server.url}`);
  try {
    const env = makeEnv(server.url, sizes);
    const started = Date.now();
    const results = await runRounds(scenarios, env, options.rounds);
    const rows = results.flatMap((result) => summarize(result, sizes));
    const header: ReportHeader = {
      title:
        `react-durable-streams Node benchmark: ours (src/client) vs upstream ` +
        `@durable-streams/client ${packageVersion("@durable-streams/client")} vs plain fetch`,
      lines: [
        `server: @durable-streams/server ${packageVersion("@durable-streams/server")} ` +
          `DurableStreamTestServer in its own process, in memory, ${server.url} (loopback only), ` +
          `compression ${SERVER_COMPRESSION ? "ON" : "OFF"} for every contender`,
        `Node ${process.version}, ${process.platform} ${process.arch}, ${cpus().length} CPUs; ` +
          `${options.rounds} measured round${options.rounds === 1 ? "" : "s"} after 1 uncounted ` +
          `warm-up round, contender order rotated ` +
          `every round${options.quick ? "; --quick sizes" : ""}; ` +
          `${((Date.now() - started) / 1000).toFixed(0)} s`,
      ],
    };
    const notes = footnotes(env, scenarios);
    if (options.json) {
      const report = { header, sizes, rounds: options.rounds, rows, notes };
      process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      process.stdout.write(`${renderTable(header, rows, notes)}\n`);
    }
  } finally {
    await server.stop();
  }
}

await main();
