import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * `npm run typecheck:consumers`: type-checks a consumer app's code
 * (test/package/consumer/consumer.tsx) against the built declarations in
 * `dist/`, as an app would see them (`exactOptionalPropertyTypes` on,
 * `skipLibCheck` off): once with the installed packages, once with the
 * oldest `@tanstack/react-query` the peer range allows. That version's
 * tarballs (and its query-core's) are fetched from the npm registry at
 * install time (`npm ci` runs `prepare`, which runs this file with
 * `--fetch`) into `node_modules/.cache/query-floor/`, so the check itself
 * sends nothing anywhere; its peer range (React 18 only) keeps it out of
 * the project's own install. Needs `npm run build` first.
 */

const ROOT = resolve(import.meta.dirname, "..", "..");
const CONSUMER = join(ROOT, "test", "package", "consumer");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

function typecheck(label: string, project: string): void {
  try {
    execFileSync(process.execPath, [TSC, "-p", project], { cwd: ROOT, stdio: "pipe" });
  } catch (error) {
    const { stdout } = error as { stdout?: Buffer };
    process.stderr.write(stdout?.toString() ?? String(error));
    throw new Error(`consumer type check failed: ${label}`, { cause: error });
  }
  console.log(`consumer types ok: ${label}`);
}

/** The oldest version a caret range such as `^5.0.0` allows. */
function floorOf(range: string): string {
  const match = /^\^(\d+\.\d+\.\d+)$/.exec(range);
  if (!match?.[1]) throw new Error(`expected a caret peer range like ^5.0.0, got ${range}`);
  return match[1];
}

/**
 * The unpacked `name@version` under `dir/<unscoped name>`; with `fetch`,
 * downloaded from the registry when missing, else a missing one fails.
 */
function unpacked(name: string, version: string, dir: string, fetch: boolean): string {
  const folder = join(dir, name.split("/").pop()!);
  const manifest = join(folder, "package", "package.json");
  if (!existsSync(manifest)) {
    if (!fetch) {
      throw new Error(
        `${name}@${version} is not in ${dir}: run "npm run prepare" (npm ci runs it) to fetch it`,
      );
    }
    mkdirSync(folder, { recursive: true });
    const tarball = execFileSync(
      "npm",
      ["pack", `${name}@${version}`, "--pack-destination", folder, "--silent"],
      { cwd: folder, encoding: "utf8" },
    ).trim();
    execFileSync("tar", ["xzf", join(folder, tarball), "-C", folder]);
  }
  const found = JSON.parse(readFileSync(manifest, "utf8")) as { version: string };
  if (found.version !== version) throw new Error(`${manifest} is ${found.version}, not ${version}`);
  return join(folder, "package");
}

function main(fetch: boolean): void {
  if (!fetch) {
    typecheck("installed packages, exactOptionalPropertyTypes", join(CONSUMER, "tsconfig.json"));
  }
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    peerDependencies: Record<string, string>;
  };
  const floor = floorOf(manifest.peerDependencies["@tanstack/react-query"] ?? "");
  const cache = join(ROOT, "node_modules", ".cache", "query-floor", floor);
  const reactQuery = unpacked("@tanstack/react-query", floor, cache, fetch);
  const { dependencies } = JSON.parse(readFileSync(join(reactQuery, "package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  const coreVersion = dependencies["@tanstack/query-core"] ?? "";
  const queryCore = unpacked("@tanstack/query-core", coreVersion, cache, fetch);
  if (fetch) {
    console.log(`query floor ${floor} ready in ${cache}`);
    return;
  }
  // That release's declarations use the global JSX namespace of React 18's types, which
  // React 19's types (installed here) no longer declare: a shim gives it back.
  const jsxShim = join(cache, "global-jsx.d.ts");
  writeFileSync(
    jsxShim,
    'import type { JSX as ReactJSX } from "react";\n' +
      "declare global {\n  namespace JSX {\n    type Element = ReactJSX.Element;\n  }\n}\n",
  );
  const project = join(cache, "tsconfig.json");
  writeFileSync(
    project,
    JSON.stringify(
      {
        extends: join(CONSUMER, "tsconfig.json"),
        compilerOptions: {
          paths: { "@tanstack/react-query": [reactQuery], "@tanstack/query-core": [queryCore] },
        },
        files: [join(CONSUMER, "consumer.tsx"), jsxShim],
      },
      null,
      2,
    ),
  );
  typecheck(`@tanstack/react-query ${floor} (the peer range's floor)`, project);
}

main(process.argv.includes("--fetch"));
