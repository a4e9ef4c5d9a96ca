// @vitest-environment node
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The built package as a consumer loads it, by name (Node resolves a
 * package's own name through its `exports`): every entry loads through
 * `import` and through `require` (Node 20.19+ loads ES modules from
 * `require`, given a `default` condition), and both give the same exports.
 * Needs `npm run build` first, as `npm test` runs it.
 */

const ROOT = resolve(import.meta.dirname, "..", "..");
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  name: string;
  exports: Record<string, { types: string; default: string } | string>;
};
/** The JavaScript entries (with types); the others are plain files such as the stylesheet. */
const scriptEntries = Object.entries(manifest.exports).flatMap(([subpath, target]) =>
  typeof target === "string" ? [] : [{ subpath, ...target }],
);
const fileEntries = Object.entries(manifest.exports).flatMap(([subpath, target]) =>
  typeof target === "string" ? [{ subpath, file: target }] : [],
);

/** Runs a script in a fresh Node process from the package root; returns its JSON output. */
function inNode(type: "commonjs" | "module", script: string): unknown {
  const output = execFileSync(
    process.execPath,
    ["--input-type", type, "--no-warnings", "--eval", script],
    { cwd: ROOT, encoding: "utf8" },
  );
  return JSON.parse(output);
}

describe("package entries", () => {
  it("the build exists (run npm run build first)", () => {
    for (const entry of scriptEntries) {
      expect(existsSync(join(ROOT, entry.default)), entry.default).toBe(true);
      expect(existsSync(join(ROOT, entry.types)), entry.types).toBe(true);
    }
  });

  it("the optional stylesheet is exported and is CSS for the status badge", () => {
    expect(fileEntries.map((entry) => entry.subpath)).toEqual(["./status.css"]);
    const css = readFileSync(join(ROOT, fileEntries[0]!.file), "utf8");
    expect(css).toContain('span[role="status"][data-status="live"]');
  });

  // The React entries need react, the query and virtual entries their optional peers:
  // installed here as development dependencies, as an app using them would have them.
  it.each(scriptEntries.map((entry) => entry.subpath))(
    "%s loads through import and through require",
    (subpath) => {
      const specifier = subpath === "." ? manifest.name : `${manifest.name}${subpath.slice(1)}`;
      const imported = inNode(
        "module",
        `const m = await import(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).sort()));`,
      ) as string[];
      const required = inNode(
        "commonjs",
        `const m = require(${JSON.stringify(specifier)}); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== "__esModule").sort()));`,
      ) as string[];
      expect(imported.length).toBeGreaterThan(0);
      expect(required).toEqual(imported);
    },
  );
});
