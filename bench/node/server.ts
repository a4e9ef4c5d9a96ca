import { spawnTsx } from "./child-process.js";
import { LONG_POLL_TIMEOUT_MS, SERVER_COMPRESSION } from "./config.js";

/** The reference server, running in a child process. */
export interface BenchServer {
  /** `http://127.0.0.1:<port>`: every URL of the benchmark is built on it. */
  readonly url: string;
  stop(): Promise<void>;
}

export async function startServer(): Promise<BenchServer> {
  const child = spawnTsx("server-child.ts", [
    String(SERVER_COMPRESSION),
    String(LONG_POLL_TIMEOUT_MS),
  ]);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = "";
    child.stdout?.setEncoding("utf8");
    const onData = (text: string) => {
      buffered += text;
      const newline = buffered.indexOf("\n");
      if (newline === -1) return;
      child.stdout?.off("data", onData);
      try {
        resolve((JSON.parse(buffered.slice(0, newline)) as { url: string }).url);
      } catch (error) {
        reject(error);
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`server exited early (code ${code})`)));
  });
  const parsed = new URL(url);
  // Loopback only: no benchmark traffic may go anywhere else.
  if (parsed.hostname !== "127.0.0.1" || parsed.protocol !== "http:") {
    child.kill();
    throw new Error(`server is not on http://127.0.0.1: ${url}`);
  }
  return {
    url: parsed.origin,
    async stop() {
      child.stdin?.end();
      await exited;
    },
  };
}
