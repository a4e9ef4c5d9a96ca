/**
 * Wire types of the conformance adapter protocol (`../shared/conformance/ADAPTER.md`).
 * Commands arrive as loose JSON; handlers read fields through these helpers
 * so a malformed command is an error result, never a crash.
 */
import { DurableStreamError } from "../../src/client/index.js";

export type Command = Record<string, unknown> & { type: string };
export type Result = Record<string, unknown> & { type: string; success: boolean };

/** Conformance error codes (ADAPTER.md §5.17). */
export type ConformanceErrorCode =
  | "NETWORK_ERROR"
  | "TIMEOUT"
  | "CONFLICT"
  | "NOT_FOUND"
  | "SEQUENCE_CONFLICT"
  | "STREAM_CLOSED"
  | "INVALID_OFFSET"
  | "UNEXPECTED_STATUS"
  | "PARSE_ERROR"
  | "INTERNAL_ERROR"
  | "NOT_SUPPORTED"
  | "INVALID_ARGUMENT";

export class AdapterError extends Error {
  constructor(
    readonly errorCode: ConformanceErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export function errorResult(commandType: string, error: unknown): Result {
  const { errorCode, message, status } = describeError(error);
  const result: Result = { type: "error", success: false, commandType, errorCode, message };
  if (status !== undefined) result.status = status;
  return result;
}

function describeError(error: unknown): {
  errorCode: ConformanceErrorCode;
  message: string;
  status?: number | undefined;
} {
  if (error instanceof AdapterError) {
    return { errorCode: error.errorCode, message: error.message, status: error.status };
  }
  if (error instanceof DurableStreamError) {
    return { errorCode: conformanceCode(error), message: error.message, status: error.status };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { errorCode: "INTERNAL_ERROR", message };
}

/** Our codes are a superset of the suite's; the extra ones fold into the nearest suite code. */
function conformanceCode(error: DurableStreamError): ConformanceErrorCode {
  switch (error.code) {
    case "CONTENT_TYPE_MISMATCH":
      return "CONFLICT";
    case "OFFSET_GONE":
    case "UNAUTHORIZED":
    case "STALE_EPOCH":
    case "SEQUENCE_GAP":
    case "UNDELIVERED":
      return "UNEXPECTED_STATUS";
    case "BUFFER_FULL":
    case "PRODUCER_CLOSED":
      return "INVALID_ARGUMENT";
    default:
      return error.code;
  }
}

export function stringField(command: Command, name: string): string | undefined {
  const value = command[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw invalid(command, name, "a string");
  return value;
}

export function requiredString(command: Command, name: string): string {
  const value = stringField(command, name);
  if (value === undefined) throw invalid(command, name, "present");
  return value;
}

export function numberField(command: Command, name: string): number | undefined {
  const value = command[name];
  if (value === undefined) return undefined;
  if (typeof value !== "number") throw invalid(command, name, "a number");
  return value;
}

export function booleanField(command: Command, name: string): boolean | undefined {
  const value = command[name];
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") throw invalid(command, name, "a boolean");
  return value;
}

export function stringMap(command: Command, name: string): Record<string, string> | undefined {
  const value = command[name];
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalid(command, name, "an object");
  }
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) out[key] = String(entry);
  return out;
}

function invalid(command: Command, name: string, what: string): AdapterError {
  return new AdapterError("PARSE_ERROR", `${command.type}: field ${name} must be ${what}`);
}
