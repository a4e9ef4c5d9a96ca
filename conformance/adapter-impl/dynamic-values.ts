import type { DynamicRecord } from "../../src/client/index.js";

type ValueType = "counter" | "timestamp" | "token";

interface DynamicEntry {
  valueType: ValueType;
  token: string;
  counter: number;
}

/**
 * The adapter's dynamic headers and query parameters (ADAPTER.md §5.13). Each
 * value is evaluated once per command; the command then hands our client a
 * function for it, so the client's own per-request resolution is what sends it.
 */
export class DynamicValues {
  private readonly headers = new Map<string, DynamicEntry>();
  private readonly params = new Map<string, DynamicEntry>();

  setHeader(name: string, valueType: ValueType, initialValue: string | undefined): void {
    this.headers.set(name, { valueType, token: initialValue ?? "", counter: 0 });
  }

  setParam(name: string, valueType: ValueType): void {
    this.params.set(name, { valueType, token: "", counter: 0 });
  }

  clear(): void {
    this.headers.clear();
    this.params.clear();
  }

  /** Evaluates every value for one command. */
  evaluate(): {
    headersSent: Record<string, string>;
    paramsSent: Record<string, string>;
    headers: DynamicRecord;
    params: DynamicRecord;
  } {
    const headersSent = evaluateAll(this.headers);
    const paramsSent = evaluateAll(this.params);
    return {
      headersSent,
      paramsSent,
      headers: asFunctions(headersSent),
      params: asFunctions(paramsSent),
    };
  }

  get empty(): boolean {
    return this.headers.size === 0 && this.params.size === 0;
  }
}

function evaluateAll(entries: Map<string, DynamicEntry>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, entry] of entries) {
    switch (entry.valueType) {
      case "counter":
        entry.counter++;
        out[name] = String(entry.counter);
        break;
      case "timestamp":
        out[name] = String(Date.now());
        break;
      case "token":
        out[name] = entry.token;
        break;
    }
  }
  return out;
}

function asFunctions(values: Record<string, string>): DynamicRecord {
  const out: Record<string, () => string> = {};
  for (const [name, value] of Object.entries(values)) out[name] = () => value;
  return out;
}
