import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import type { AdapterConnection, Command, SendOutcome } from "./types.js";

/** The adapter could not be started at all. */
export class AdapterStartError extends Error {
  override readonly name = "AdapterStartError";
}

export interface AdapterProcessOptions {
  /** Log every command and result (stderr). */
  readonly verbose?: boolean;
  /** Where `[client stderr]` chunks and verbose logs go (default: process.stderr). */
  readonly stderr?: (text: string) => void;
}

interface Waiter {
  readonly type: string;
  readonly resolve: (outcome: SendOutcome) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * One adapter process for the whole run (ADAPTER.md §1–3).
 *
 * - Spawned with Node's `spawn`: no shell, no arguments, all three streams
 *   piped, environment and cwd inherited.
 * - Commands are JSON lines on stdin (U+2028/U+2029 escaped); results are
 *   JSON lines on stdout, matched purely by position: the next line resolves
 *   whichever command is waiting; a line with nobody waiting is dropped; an
 *   unparsable line fails the waiting command with
 *   `Failed to parse client response: …`.
 * - A timeout fails the command with `Command timed out after <ms>ms: <type>`
 *   and clears the waiting slot (a late answer is then dropped, or taken by
 *   the next command — the adapter is never restarted).
 * - stderr chunks are forwarded prefixed with `[client stderr]`.
 * - If the process exits, the waiting command fails with
 *   `Client adapter exited with code N`. Unlike upstream (which then lets
 *   every later command wait for its full timeout), later commands fail at
 *   once with the same message, so a crashed adapter does not stall CI.
 */
export class AdapterProcess implements AdapterConnection {
  private waiter: Waiter | undefined;
  private buffer = "";
  private exitMessage: string | undefined;
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly options: AdapterProcessOptions,
  ) {
    const log = options.stderr ?? ((text: string) => void process.stderr.write(text));
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk: string) => this.onStdout(chunk));
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      log(`[client stderr] ${chunk}${chunk.endsWith("\n") ? "" : "\n"}`);
    });
    // A closed stdin (EPIPE) shows up as the process exiting; keep it quiet here.
    child.stdin.on("error", () => {});
    this.exited = new Promise((resolve) => {
      // "close" (not "exit"): stdout is fully drained first, so a last
      // answer written just before exiting is not lost.
      child.on("close", (code, signal) => {
        this.markExited(
          `Client adapter exited with code ${code === null ? `null (signal ${signal})` : code}`,
        );
        resolve();
      });
      child.on("error", (err) => {
        this.markExited(`Client adapter failed: ${err.message}`);
        resolve();
      });
    });
  }

  /** Spawns the adapter executable at `path` (absolute). */
  static async start(path: string, options: AdapterProcessOptions = {}): Promise<AdapterProcess> {
    try {
      if (!(await stat(path)).isFile()) throw new Error("not a file");
      await access(path, constants.X_OK);
    } catch {
      throw new AdapterStartError(
        `adapter ${path} is missing or not executable (it must be an executable file, e.g. a script with a shebang and chmod +x)`,
      );
    }
    const child = spawn(path, [], { stdio: ["pipe", "pipe", "pipe"] });
    const adapter = new AdapterProcess(child, options);
    await new Promise<void>((resolve) => {
      child.once("spawn", () => resolve());
      child.once("error", () => resolve());
    });
    if (adapter.exitMessage !== undefined) throw new AdapterStartError(adapter.exitMessage);
    return adapter;
  }

  get running(): boolean {
    return this.exitMessage === undefined;
  }

  send(command: Command, timeoutMs: number): Promise<SendOutcome> {
    if (this.waiter !== undefined) {
      // The executor never overlaps commands (it awaits background reads first).
      return Promise.resolve({
        ok: false,
        error: `internal error: ${command.type} sent while ${this.waiter.type} is waiting`,
      });
    }
    if (this.exitMessage !== undefined) {
      return Promise.resolve({ ok: false, error: this.exitMessage });
    }
    const line = JSON.stringify(command)
      .replace(/\u2028/g, "\\u2028")
      .replace(/\u2029/g, "\\u2029");
    if (this.options.verbose) this.log(`→ ${line}\n`);
    return new Promise<SendOutcome>((resolve) => {
      const timer = setTimeout(() => {
        if (this.waiter?.timer === timer) this.waiter = undefined;
        resolve({ ok: false, error: `Command timed out after ${timeoutMs}ms: ${command.type}` });
      }, timeoutMs);
      this.waiter = { type: command.type, resolve, timer };
      this.child.stdin.write(`${line}\n`);
    });
  }

  /**
   * End of run: `shutdown` (waits at most 5 s, answer ignored), then SIGTERM
   * regardless; SIGKILL if the process is still alive 5 s later.
   */
  async close(sendShutdown: boolean): Promise<void> {
    if (sendShutdown && this.running) await this.send({ type: "shutdown" }, 5_000);
    if (this.running) this.child.kill("SIGTERM");
    const killTimer = setTimeout(() => {
      if (this.running) this.child.kill("SIGKILL");
    }, 5_000);
    await this.exited;
    clearTimeout(killTimer);
    this.child.stdin.destroy();
    this.child.stdout.destroy();
    this.child.stderr.destroy();
  }

  private onStdout(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, "");
      this.buffer = this.buffer.slice(nl + 1);
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    const waiter = this.waiter;
    if (waiter === undefined) {
      if (this.options.verbose) this.log(`(dropped, no command waiting) ${line}\n`);
      return;
    }
    this.waiter = undefined;
    clearTimeout(waiter.timer);
    if (this.options.verbose) this.log(`← ${line}\n`);
    try {
      waiter.resolve({ ok: true, result: JSON.parse(line) as unknown });
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      waiter.resolve({ ok: false, error: `Failed to parse client response: ${reason}: ${line}` });
    }
  }

  private markExited(message: string): void {
    if (this.exitMessage !== undefined) return;
    this.exitMessage = message;
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter !== undefined) {
      clearTimeout(waiter.timer);
      waiter.resolve({ ok: false, error: message });
    }
  }

  private log(text: string): void {
    (this.options.stderr ?? ((t: string) => void process.stderr.write(t)))(text);
  }
}
