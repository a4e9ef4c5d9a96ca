// @vitest-environment node
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * Next.js App Router: a module a server component imports that uses React
 * state or context must start with "use client"; a module that must stay
 * usable on the server (the client, the sync layer, the root entry that
 * re-exports both) must not. The build keeps one file per module so each
 * keeps its own directive. Reads the built `dist/` (run `npm run build` first).
 */

const DIST = resolve(import.meta.dirname, "..", "..", "dist");

function scripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return scripts(path);
    return entry.name.endsWith(".js") ? [relative(DIST, path)] : [];
  });
}

const startsWithUseClient = (file: string) =>
  /^\s*["']use client["'];/.test(readFileSync(join(DIST, file), "utf8"));

describe('"use client" in dist/', () => {
  it("marks exactly the provider, the hooks and the stateful components", () => {
    const marked = scripts(DIST).filter(startsWithUseClient).sort();
    expect(marked).toEqual([
      "devtools/devtools.js",
      "react/context.js",
      "react/provider.js",
      "react/stream-list.js",
      "react/stream-text.js",
      "react/use-durable-stream.js",
      "react/use-stream-producer.js",
      "react/use-suspense-durable-stream.js",
      "virtual/virtual-stream-list.js",
    ]);
  });

  it("leaves the entry points unmarked, so the client stays usable in server components", () => {
    for (const entry of [
      "index.js",
      "client.js",
      "idb.js",
      "query.js",
      "virtual.js",
      "devtools.js",
    ]) {
      expect(startsWithUseClient(entry), entry).toBe(false);
    }
    expect(scripts(join(DIST, "client")).length).toBeGreaterThan(10);
  });
});
