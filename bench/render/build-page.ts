import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import react from "@vitejs/plugin-react";
import { build } from "vite";

const PAGE_ROOT = resolve(import.meta.dirname, "page");
const SRC = resolve(import.meta.dirname, "..", "..", "src");

/** A built page in a temporary directory. */
export interface BuiltPage {
  dir: string;
  remove(): Promise<void>;
}

/**
 * Builds the benchmark page with Vite in production mode into a fresh temp
 * directory. The package name resolves to the working tree's sources, so the
 * bench measures the library as it is now, not a stale `dist/`.
 */
export async function buildPage(): Promise<BuiltPage> {
  const dir = await mkdtemp(join(tmpdir(), "render-bench-"));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    await build({
      configFile: false,
      root: PAGE_ROOT,
      mode: "production",
      logLevel: "warn",
      // Its own cache, inside the temp dir: other builds may run in this tree at the same time.
      cacheDir: join(dir, ".vite-cache"),
      plugins: [react()],
      resolve: {
        alias: [
          { find: /^react-durable-streams$/, replacement: join(SRC, "react", "index.ts") },
          {
            find: /^react-durable-streams\/virtual$/,
            replacement: join(SRC, "virtual", "index.ts"),
          },
        ],
      },
      build: { outDir: join(dir, "site"), emptyOutDir: true, target: "es2022" },
    });
    await assertProductionReact(join(dir, "site"));
  } catch (error) {
    await remove();
    throw error;
  }
  return { dir: join(dir, "site"), remove };
}

/**
 * React's production build has its errors minified and none of the dev-only
 * stack helpers; a development build slipping in would make every number wrong.
 */
async function assertProductionReact(site: string): Promise<void> {
  const assets = join(site, "assets");
  let code = "";
  for (const name of await readdir(assets)) {
    if (name.endsWith(".js")) code += await readFile(join(assets, name), "utf8");
  }
  if (!code.includes("Minified React error") || code.includes("react_stack_bottom_frame")) {
    throw new Error("the bench page was not built with React's production build");
  }
}
