import { defineConfig } from "@playwright/test";
import { launchOptions } from "./e2e/support/browser";

/**
 * End-to-end tests of the demo app (dev build, StrictMode) and the built
 * Storybook. The global setup starts the demo on a random port with a fresh
 * data directory and serves `storybook-static/`; run `npm run build-storybook`
 * first.
 */
export default defineConfig({
  testDir: "./e2e",
  globalSetup: "./e2e/global-setup.ts",
  outputDir: "test-results",
  // Generous: CI is a 2-core machine running the demo, Vite and two browsers at once.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  workers: 2,
  retries: 0,
  reporter: [["list"], ["html", { outputFolder: "playwright-report", open: "never" }]],
  use: {
    browserName: "chromium",
    headless: true,
    launchOptions: launchOptions(),
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    viewport: { width: 1280, height: 800 },
  },
});
