import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium, type FullConfig } from "@playwright/test";
import { launchOptions } from "./support/browser";
import { serveStatic } from "./support/static-server";

const ROOT = resolve(import.meta.dirname, "..");
const DEMO_ENTRY = join(ROOT, "demo", "server.ts");
const STARTUP_TIMEOUT_MS = 60_000;

/**
 * Starts the demo (`node --import tsx demo/server.ts`, PORT=0, a fresh
 * DEMO_DATA_DIR, DEMO_WATCH=0) and a static server for `storybook-static/`, and hands their
 * URLs to the tests through the environment (E2E_DEMO_URL, E2E_STORYBOOK_URL).
 * A missing or broken demo does not stop the run: the demo tests fail with
 * E2E_DEMO_ERROR while the Storybook tests still run.
 */
export default async function globalSetup(_config: FullConfig): Promise<() => Promise<void>> {
  const storybook = await serveStatic(join(ROOT, "storybook-static"));
  process.env.E2E_STORYBOOK_URL = storybook.url;

  let demo: { url: string; stop(): Promise<void> } | undefined;
  if (!existsSync(DEMO_ENTRY)) {
    process.env.E2E_DEMO_ERROR = `demo/server.ts does not exist (looked at ${DEMO_ENTRY})`;
  } else {
    try {
      demo = await startDemo();
      process.env.E2E_DEMO_URL = demo.url;
      await warmUp(demo.url);
    } catch (error) {
      process.env.E2E_DEMO_ERROR = `the demo did not start: ${String(error)}`;
    }
  }

  return async () => {
    await demo?.stop();
    await storybook.close();
  };
}

async function startDemo(): Promise<{ url: string; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), "rds-e2e-demo-"));
  const child = spawn(process.execPath, ["--import", "tsx", DEMO_ENTRY], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: "0",
      DEMO_DATA_DIR: dataDir,
      // No file watching or hot reload: nothing may reload a page under test.
      DEMO_WATCH: "0",
      BROWSER: "none",
      FORCE_COLOR: "0",
    },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so stopping it also stops anything it started.
    detached: true,
  });
  let output = "";
  let stopping = false;
  const stop = async () => {
    stopping = true;
    await killGroup(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const url = await new Promise<string>((resolveUrl, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no "Demo: http://127.0.0.1:<port>/" line within 60 s`)),
        STARTUP_TIMEOUT_MS,
      );
      const onData = (data: Buffer) => {
        output += data.toString();
        const match = /Demo: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(output);
        if (match?.[1]) {
          clearTimeout(timer);
          resolveUrl(match[1]);
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the demo exited (code ${code}, signal ${signal})`));
      });
    });
    // Keep draining its output so a chatty server never blocks on a full pipe; keep its tail.
    child.stdout?.on("data", (data: Buffer) => (output = (output + data.toString()).slice(-4000)));
    child.stderr?.on("data", (data: Buffer) => (output = (output + data.toString()).slice(-4000)));
    child.once("exit", (code, signal) => {
      if (!stopping) {
        console.error(
          `[e2e] the demo exited during the run (code ${code}, signal ${signal}); ` +
            `its last output:\n${output}`,
        );
      }
    });
    return { url, stop };
  } catch (error) {
    await stop();
    throw new Error(`${String(error)}\n--- demo output ---\n${output.slice(-4000)}`, {
      cause: error,
    });
  }
}

async function killGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolveExit) => child.once("exit", () => resolveExit()));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // Already gone.
    }
  };
  signal("SIGTERM");
  const timer = setTimeout(() => signal("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

/**
 * Loads each route once, so the dev server has transformed and pre-bundled
 * everything before a test measures requests (a dependency discovered late
 * makes Vite reload the page).
 */
async function warmUp(url: string): Promise<void> {
  const browser = await chromium.launch(launchOptions());
  try {
    const page = await browser.newPage();
    for (const [route, testId] of [
      ["#/generate", "generate"],
      ["#/board", "board-input"],
      ["#/inspector", "inspector-url"],
    ] as const) {
      await page.goto(new URL(route, url).href);
      await page
        .getByTestId(testId)
        .first()
        .waitFor({ timeout: 30_000 })
        .catch(() => undefined);
    }
    await page.waitForTimeout(500);
  } finally {
    await browser.close();
  }
}
