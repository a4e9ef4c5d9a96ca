#!/usr/bin/env node
// Starts the embedded Durable Streams reference server, file-backed under
// .data/ so streams survive a restart, bound to loopback only, with a sample
// stream to read. The demo app replaces this in a later issue.
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import { DurableStreamTestServer } from "@durable-streams/server";
import { DurableStreamClient } from "../dist/client.js";

const port = Number(process.env.PORT ?? 4437);
const dataDir = resolve(import.meta.dirname, "..", ".data");
mkdirSync(dataDir, { recursive: true });

const server = new DurableStreamTestServer({ host: "127.0.0.1", port, dataDir });
const url = await server.start();

const client = new DurableStreamClient({ baseUrl: url });
const sample = client.stream("/samples/hello");
const { created } = await sample.create({ contentType: "application/json" });
if (created) {
  for (const word of ["Durable", "Streams", "say", "hello"]) await sample.appendJson({ word });
}
const { offset } = await sample.head();

console.log(`Durable Streams reference server: ${url}`);
console.log(`Sample stream:   ${url}/samples/hello  (tail offset ${offset})`);
console.log(`Try:             curl '${url}/samples/hello?offset=-1'`);
console.log("Data directory:  .data/   (Ctrl+C to stop)");

const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
