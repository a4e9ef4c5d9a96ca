import { resolve } from "node:path";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const src = resolve(import.meta.dirname, "..", "src");

/**
 * The demo app, served in dev mode by demo/server.ts (middleware mode, same
 * origin as the stream proxy). The package name resolves to the sources, so
 * the demo always runs the library as it is in the working tree.
 */
export default defineConfig({
  root: import.meta.dirname,
  // Apart from the library build's and Storybook's caches: they may run at the same time.
  cacheDir: resolve(import.meta.dirname, "..", "node_modules", ".vite-demo"),
  plugins: [react()],
  resolve: {
    alias: [
      { find: /^react-durable-streams\/idb$/, replacement: resolve(src, "idb/index.ts") },
      {
        find: /^react-durable-streams\/devtools$/,
        replacement: resolve(src, "devtools/index.ts"),
      },
      { find: /^react-durable-streams$/, replacement: resolve(src, "react/index.ts") },
    ],
  },
  optimizeDeps: {
    // Known up front, so the first page load does not discover them and reload.
    include: [
      "react",
      "react/jsx-dev-runtime",
      "react/jsx-runtime",
      "react-dom/client",
      "idb-keyval",
    ],
  },
  clearScreen: false,
  logLevel: "warn",
});
