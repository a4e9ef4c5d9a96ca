// @vitest-environment node
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Consumers' bundlers minify class names; an error's `name` must still say
 * what it is. Bundles the client the way a consumer's build would (minified,
 * no name keeping) and checks every exported error class in that bundle.
 */
describe("error names in a minified bundle", () => {
  it("keep each error class's own name", async () => {
    const entry = fileURLToPath(new URL("../../src/client/index.ts", import.meta.url));
    const output = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      keepNames: false,
      format: "esm",
      platform: "neutral",
      write: false,
    });
    const code = output.outputFiles[0]!.text;
    const bundled = (await import(
      `data:text/javascript;base64,${Buffer.from(code).toString("base64")}`
    )) as Record<string, unknown>;
    const errorClasses = Object.entries(bundled).filter(
      (entry): entry is [string, new (...args: unknown[]) => Error] =>
        typeof entry[1] === "function" && entry[1].prototype instanceof Error,
    );
    expect(errorClasses.length).toBeGreaterThanOrEqual(16);
    const minifiedAway = errorClasses.filter(
      ([exported, errorClass]) => errorClass.name !== exported,
    );
    expect(
      minifiedAway.length,
      "the bundle renamed the classes, so the check means something",
    ).toBeGreaterThan(0);
    for (const [exported, ErrorClass] of errorClasses) {
      const error =
        exported === "DurableStreamError"
          ? new ErrorClass("NOT_FOUND", "message")
          : new ErrorClass("http://127.0.0.1/s", "second", "third");
      expect(error.name, exported).toBe(exported);
    }
  });
});
