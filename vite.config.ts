import { resolve } from "node:path";
import { defineConfig } from "vite";
import dts from "vite-plugin-dts";

// Library build: one ESM file per public entry point, declarations beside them.
export default defineConfig({
  plugins: [dts({ tsconfigPath: "./tsconfig.build.json", entryRoot: "src" })],
  build: {
    target: "es2022",
    sourcemap: true,
    minify: false,
    lib: {
      entry: {
        index: resolve(import.meta.dirname, "src/react/index.ts"),
        client: resolve(import.meta.dirname, "src/client/index.ts"),
        idb: resolve(import.meta.dirname, "src/idb/index.ts"),
        query: resolve(import.meta.dirname, "src/query/index.ts"),
        virtual: resolve(import.meta.dirname, "src/virtual/index.ts"),
        devtools: resolve(import.meta.dirname, "src/devtools/index.ts"),
      },
      formats: ["es"],
    },
    rolldownOptions: {
      external: [/^react($|\/)/, /^react-dom($|\/)/, /^@tanstack\//, "idb-keyval"],
      // One output file per source module, so each keeps its own "use client"
      // directive: Next.js needs it on the provider, hooks and components, and
      // must not see it on the client and the root entry (usable on the server).
      output: { preserveModules: true, preserveModulesRoot: "src", entryFileNames: "[name].js" },
      // With one file per module the directive is kept (test/package/use-client.test.ts checks it).
      onwarn(warning, warn) {
        if (warning.code === "MODULE_LEVEL_DIRECTIVE" && warning.message.includes('"use client"')) {
          return;
        }
        warn(warning);
      },
    },
  },
});
