/**
 * Builds one consumer program the way an app ships it: Vite production
 * build, ESM, minified, tree-shaken, everything bundled except React.
 */
import { readFile, readdir } from "node:fs/promises";
import { join } from "node:path";
import { build } from "vite";
import type { DistAlias } from "./dist-entries.js";

/** Every React app already ships these, so they are not the library's cost. */
const EXTERNAL = [/^react($|\/)/, /^react-dom($|\/)/];

/**
 * Bundles `entry` into `outDir` and returns the code of each emitted
 * JavaScript file. The output is read back from disk so that what is
 * measured is exactly what was written.
 */
export async function bundle(
  entry: string,
  outDir: string,
  aliases: readonly DistAlias[],
): Promise<string[]> {
  await build({
    configFile: false, // not the project's library config (unminified, with declarations)
    envFile: false,
    mode: "production",
    root: outDir,
    cacheDir: join(outDir, ".vite"),
    publicDir: false,
    logLevel: "error",
    resolve: { alias: [...aliases] },
    // The React consumer is .tsx: the automatic runtime imports react/jsx-runtime (external).
    oxc: { jsx: { runtime: "automatic", importSource: "react" } },
    build: {
      outDir,
      emptyOutDir: true,
      minify: true,
      sourcemap: false,
      modulePreload: false,
      copyPublicDir: false,
      reportCompressedSize: false,
      rolldownOptions: {
        input: entry,
        external: EXTERNAL,
        output: { format: "es", entryFileNames: "[name].js", chunkFileNames: "[name].js" },
      },
    },
  });
  const files = (await readdir(outDir)).filter((file) => file.endsWith(".js"));
  return Promise.all(files.map((file) => readFile(join(outDir, file), "utf8")));
}
