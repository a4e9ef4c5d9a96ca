/**
 * Runs the reference server (in memory, 127.0.0.1, port 0) in its own
 * process, so that its CPU work does not share an event loop with the client
 * being measured. Prints `{"url": ...}` on one line once listening; exits when
 * its stdin closes (the parent ended, whatever the reason), so it never outlives it.
 */
import { DurableStreamTestServer } from "@durable-streams/server";

const [compression, longPollTimeout] = process.argv.slice(2);

const server = new DurableStreamTestServer({
  host: "127.0.0.1",
  port: 0,
  compression: compression === "true",
  longPollTimeout: Number(longPollTimeout),
});
const url = await server.start();
process.stdout.write(`${JSON.stringify({ url })}\n`);

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  // Open SSE responses would keep stop() waiting; give it a moment, then leave.
  setTimeout(() => process.exit(0), 2000).unref();
  void server.stop().finally(() => process.exit(0));
}
process.stdin.on("end", stop);
process.stdin.on("error", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
