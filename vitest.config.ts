import { defineConfig } from "vitest/config";

// Kept apart from vite.config.ts so the declaration plugin does not run in tests.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: "forks",
    reporters: ["default", "./test/support/summary-reporter.ts"],
    // Type tests (`expectTypeOf`) run with `vitest run`: tsc checks the project and a
    // failing type assertion fails the run.
    typecheck: {
      enabled: true,
      include: ["test/**/*.test-d.ts", "test/**/*.test-d.tsx"],
      tsconfig: "./tsconfig.json",
    },
  },
});
