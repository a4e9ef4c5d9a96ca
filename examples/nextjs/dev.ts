import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { DurableStreamTestServer } from "@durable-streams/server";
import { DurableStreamClient } from "../../src/client/index.js";

/**
 * Runs the Next.js example in development: the reference Durable Streams
 * server on 127.0.0.1:4437 (in memory), the example's stream with a first
 * line, then `next dev`. `npm run example:nextjs` builds the package first:
 * the example imports it from dist/, as an installed app would.
 */
const ROOT = resolve(import.meta.dirname, "..", "..");
const PORT = 4437;
const STREAMS_URL = `http://127.0.0.1:${PORT}`;

const server = new DurableStreamTestServer({ host: "127.0.0.1", port: PORT });
await server.start();
const stream = new DurableStreamClient({ baseUrl: STREAMS_URL, warnOnHttp: false }).stream(
  "/streams/nextjs-example",
);
const { created } = await stream.create({ contentType: "text/plain" });
if (created) await stream.append("Hello from the server render.");
console.log(`Durable Streams server on ${STREAMS_URL}; append to see it live:`);
console.log(
  `  curl -X POST -H 'content-type: text/plain' --data ' more' ${STREAMS_URL}/streams/nextjs-example`,
);

const next = spawn(
  process.execPath,
  [
    resolve(ROOT, "node_modules", "next", "dist", "bin", "next"),
    "dev",
    "examples/nextjs",
    "-H",
    "127.0.0.1",
  ],
  {
    cwd: ROOT,
    env: { ...process.env, DS_STREAMS_URL: STREAMS_URL, NEXT_TELEMETRY_DISABLED: "1" },
    stdio: "inherit",
  },
);
next.on("exit", (code) => {
  void server.stop().then(() => process.exit(code ?? 0));
});
