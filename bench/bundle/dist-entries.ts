/**
 * Where `react-durable-streams*` resolve when measuring: the built files that
 * package.json `exports` names, which is what users install, not src/.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface DistAlias {
  /** Anchored, so the bare name does not also capture its subpaths. */
  find: RegExp;
  replacement: string;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

/** `{ name, exports: { "./x": { default: "./dist/x.js" } } }` -> specifier -> absolute path (`import` wins where present). */
function exportedEntries(): Map<string, string> {
  const manifest: unknown = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const entries = new Map<string, string>();
  if (typeof manifest !== "object" || manifest === null) return entries;
  const { name, exports } = manifest as { name?: unknown; exports?: unknown };
  if (typeof name !== "string" || typeof exports !== "object" || exports === null) return entries;
  for (const [subpath, target] of Object.entries(exports as Record<string, unknown>)) {
    const conditions = typeof target === "object" && target !== null ? target : undefined;
    const file = conditions
      ? ((conditions as { import?: unknown }).import ??
        (conditions as { default?: unknown }).default)
      : target;
    if (typeof file === "string") entries.set(name + subpath.slice(1), join(ROOT, file));
  }
  return entries;
}

/** Aliases for the bundler; throws, saying what to do, when dist/ has not been built. */
export function distAliases(): DistAlias[] {
  const entries = exportedEntries();
  if (entries.size === 0) throw new Error("package.json has no `exports` to measure");
  return [...entries].map(([specifier, path]) => {
    if (!existsSync(path)) {
      throw new Error(
        `${relative(ROOT, path)} is missing: dist/ is not built. Run \`npm run build\` first.`,
      );
    }
    return { find: new RegExp(`^${escapeRegExp(specifier)}$`), replacement: path };
  });
}

/** True when a file in src/ changed after dist/ was built: the numbers would be stale. */
export function distIsStale(aliases: readonly DistAlias[]): boolean {
  // Built files only: the stylesheet entry is a source file, never rebuilt.
  const builtFiles = aliases.filter((alias) => alias.replacement.endsWith(".js"));
  const built = Math.min(...builtFiles.map((alias) => statSync(alias.replacement).mtimeMs));
  const src = join(ROOT, "src");
  return readdirSync(src, { recursive: true, encoding: "utf8" }).some(
    (file) => statSync(join(src, file)).mtimeMs > built,
  );
}
