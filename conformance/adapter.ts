/**
 * The conformance adapter over our client (`../shared/conformance/ADAPTER.md`):
 * JSON-line commands on stdin, exactly one JSON-line result per command on
 * stdout, logs on stderr. Commands are handled one at a time, in order.
 */
import { createInterface } from "node:readline";
import { AdapterState } from "./adapter-impl/commands.js";
import { errorResult, type Command, type Result } from "./adapter-impl/protocol.js";

const state = new AdapterState();
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });

for await (const line of lines) {
  if (line.trim() === "") continue;
  const command = parseCommand(line);
  let result: Result;
  if (command === undefined) {
    result = errorResult("init", new SyntaxError(`Unparsable command line: ${line.slice(0, 200)}`));
    result.errorCode = "PARSE_ERROR";
  } else {
    try {
      result = await state.handle(command);
    } catch (error) {
      result = errorResult(command.type, error);
    }
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  if (command?.type === "shutdown") break;
}
process.exit(0);

function parseCommand(line: string): Command | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (
      typeof value === "object" &&
      value !== null &&
      typeof (value as Command).type === "string"
    ) {
      return value as Command;
    }
  } catch {
    // Reported as a PARSE_ERROR result below.
  }
  return undefined;
}
