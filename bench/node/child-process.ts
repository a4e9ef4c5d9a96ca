import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository root, so that `--import tsx` resolves from our node_modules. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Starts `node --import tsx <file> ...args` (file relative to bench/node/). */
export function spawnTsx(
  file: string,
  args: readonly string[],
  nodeFlags: readonly string[] = [],
): ChildProcess {
  const path = fileURLToPath(new URL(file, import.meta.url));
  return spawn(process.execPath, [...nodeFlags, "--import", "tsx", path, ...args], {
    cwd: REPO_ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
}

/** Collects a child's stdout until it exits; rejects on a non-zero exit. */
export function collectOutput(child: ChildProcess, label: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (text: string) => (output += text));
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      if (code === 0) resolve(output);
      else reject(new Error(`${label} exited with ${signal ?? `code ${code}`}: ${output.trim()}`));
    });
  });
}
