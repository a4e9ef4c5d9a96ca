import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { resolve } from "node:path";
import { promisify } from "node:util";
import { DurableStreamTestServer } from "@durable-streams/server";
import { expect, test, type ConsoleMessage } from "@playwright/test";
import { DurableStreamClient } from "../src/client/index.js";
import { readCheckpoint } from "./support/fixtures";
import { RequestLog } from "./support/requests";

/**
 * The Next.js App Router example (examples/nextjs), built with `next build`
 * against the built package in dist/ and served by `next start`: a server
 * component reads the stream with the client and passes `initialData` to a
 * client component that goes live. The build runs here, after the reference
 * server started, because Next fixes the `/streams/` rewrite's target at
 * build time.
 */

const ROOT = resolve(import.meta.dirname, "..");
const APP = resolve(ROOT, "examples", "nextjs");
const NEXT = resolve(ROOT, "node_modules", "next", "dist", "bin", "next");
const STREAM_PATH = "/streams/nextjs-example";
const CHECKPOINT_KEY = "nextjs-example";

let server: DurableStreamTestServer;
let next: ChildProcess | undefined;
let appUrl = "";
let streams: DurableStreamClient;
let startOutput: string[] = [];
/** The stream's tail when the page was first rendered: the server render's offset. */
let renderedOffset = "";

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once("error", fail);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function waitForApp(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`next start did not answer at ${url}:\n${startOutput.join("").slice(-2000)}`);
}

test.describe("Next.js App Router example", () => {
  test.describe.configure({ mode: "serial", timeout: 240_000 });

  test.beforeAll(async () => {
    test.setTimeout(240_000);
    server = new DurableStreamTestServer({ host: "127.0.0.1", port: 0 });
    await server.start();
    streams = new DurableStreamClient({ baseUrl: server.url, warnOnHttp: false });
    const stream = streams.stream(STREAM_PATH);
    await stream.create({ contentType: "text/plain" });
    await stream.append("Hello from the server render.");
    renderedOffset = (await stream.head()).offset;

    const env = { ...process.env, DS_STREAMS_URL: server.url, NEXT_TELEMETRY_DISABLED: "1" };
    await promisify(execFile)(process.execPath, [NEXT, "build", APP], {
      cwd: ROOT,
      env,
      maxBuffer: 16 * 1024 * 1024,
    });
    const port = await freePort();
    appUrl = `http://127.0.0.1:${port}/`;
    next = spawn(process.execPath, [NEXT, "start", APP, "-p", String(port), "-H", "127.0.0.1"], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    // Kept for the failure message: what next start printed.
    const output: string[] = [];
    for (const stream of [next.stdout, next.stderr]) {
      stream?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
    }
    startOutput = output;
    await waitForApp(appUrl, next);
  });

  test.afterAll(async () => {
    next?.kill();
    await server?.stop();
  });

  test("server HTML holds the stream, hydration is clean, the page goes live and resumes after a reload", async ({
    page,
    request,
  }) => {
    await test.step("the server's HTML already holds what the server component read", async () => {
      const html = await (await request.get(appUrl)).text();
      expect(html).toContain("Hello from the server render.");
    });

    const problems: string[] = [];
    page.on("console", (message: ConsoleMessage) => {
      if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
    });
    page.on("pageerror", (error) => problems.push(error.message));
    const log = new RequestLog(
      (url, method) => method === "GET" && url.pathname === STREAM_PATH,
    ).attach(page);

    await test.step("hydrates without warnings and goes live", async () => {
      await page.goto(appUrl);
      await expect(page.getByTestId("text")).toHaveText("Hello from the server render.");
      await expect(page.locator('[role="status"]')).toHaveAttribute("data-status", "live");
      expect(problems, "console errors and warnings").toEqual([]);
      // <LiveText> continues from the server render's offset; <StreamText> has no initial
      // data and no checkpoint yet, so it alone reads from the start, once.
      const offsets = log.entries.map((entry) => entry.offset);
      expect(offsets).toContain(renderedOffset);
      expect(offsets.filter((offset) => offset === "-1")).toHaveLength(1);
    });

    let shownOffset = "";
    await test.step("new data arrives live", async () => {
      await streams.stream(STREAM_PATH).append(" And this came live.");
      await expect(page.getByTestId("text")).toHaveText(
        "Hello from the server render. And this came live.",
      );
      // <StreamText>, rendered straight from the server component, follows too.
      await expect(page.getByTestId("stream-text")).toHaveText(
        "Hello from the server render. And this came live.",
      );
      shownOffset = (await page.getByTestId("offset").textContent()) ?? "";
      for (const key of [CHECKPOINT_KEY, "nextjs-stream-text"]) {
        await expect
          .poll(async () => (await readCheckpoint(page, key))?.offset, { message: key })
          .toBe(shownOffset);
      }
    });

    await test.step("a reload resumes at the saved offset", async () => {
      const before = log.entries.length;
      await page.reload();
      await expect(page.getByTestId("text")).toHaveText(
        "Hello from the server render. And this came live.",
      );
      await expect(page.locator('[role="status"]')).toHaveAttribute("data-status", "live");
      const afterReload = log.entries.slice(before);
      expect(afterReload.length).toBeGreaterThan(0);
      // Both views resume from their checkpoints: each first read is at the shown offset.
      const offsets = afterReload.map((entry) => entry.offset);
      expect(offsets[0], "the first read after the reload").toBe(shownOffset);
      expect(offsets, "no read after the reload starts over").not.toContain("-1");
      expect(problems, "console errors and warnings").toEqual([]);
    });
  });
});
