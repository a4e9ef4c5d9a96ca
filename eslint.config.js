import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";
import tseslint from "typescript-eslint";

/** Each layer imports only from the layers DESIGN.md allows it. */
const layer = (files, patterns) => ({
  files,
  rules: { "no-restricted-imports": ["error", { patterns }] },
});

export default tseslint.config(
  {
    ignores: [
      "dist",
      "node_modules",
      ".data",
      "coverage",
      "storybook-static",
      "playwright-report",
      "test-results",
      "examples/nextjs/.next",
      "examples/nextjs/next-env.d.ts",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // The plugin's recommended config, React Compiler rules included: what an app's lint would report.
  reactHooks.configs.flat.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  layer(["src/client/**"], ["react", "react-dom", "react/*", "../*", "idb-keyval", "@tanstack/*"]),
  layer(
    ["src/sync/**"],
    [
      "react",
      "react-dom",
      "react/*",
      "../react/*",
      "../idb/*",
      "../query/*",
      "idb-keyval",
      "@tanstack/*",
    ],
  ),
  layer(["src/react/**"], ["../idb/*", "../query/*", "idb-keyval", "@tanstack/*"]),
  layer(
    ["src/idb/**"],
    ["react", "react-dom", "react/*", "../react/*", "../query/*", "../client/*", "@tanstack/*"],
  ),
  layer(["src/query/**"], ["react-dom", "../react/*", "../idb/*", "idb-keyval"]),
  prettier,
);
