import { randomUUID } from "node:crypto";
import { isObj } from "./types.js";

/** A reference to an undefined variable or field; fails the case loudly. */
export class VariableError extends Error {
  override readonly name = "VariableError";
}

const REF = /\$\{([^}]*)\}/g;
const WHOLE_REF = /^\$\{([^}]*)\}$/;

/**
 * The variables of one test case (cleared between tests).
 *
 * Syntax, expanded in every string of a step (including `expect` values):
 * - `${name}`: the stored value;
 * - `${name.field}` (any depth): a field of a stored object, e.g. the whole
 *   result saved by `storeAs`;
 * - `${randomUUID}`: a fresh UUID at each occurrence (a variable of that name,
 *   if someone `set`s one, takes precedence).
 *
 * A string that is exactly one reference is replaced by the referenced value
 * itself (so a stored number stays a number); a reference embedded in longer
 * text is converted to text (strings as is, numbers and booleans with
 * `String`); embedding an object or an undefined value is an error, as is any
 * reference to an unknown variable or field.
 */
export class Variables {
  private readonly values = new Map<string, unknown>();

  set(name: string, value: unknown): void {
    if (!/^[A-Za-z_][\w-]*$/.test(name)) throw new VariableError(`invalid variable name "${name}"`);
    this.values.set(name, value);
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** The value of a reference such as `name` or `name.field.sub`. */
  lookup(ref: string): unknown {
    const parts = ref.trim().split(".");
    const head = parts[0] ?? "";
    let value: unknown;
    if (this.values.has(head)) value = this.values.get(head);
    else if (head === "randomUUID" && parts.length === 1) return randomUUID();
    else throw new VariableError(`undefined variable "\${${ref}}"`);
    for (const field of parts.slice(1)) {
      if (!isObj(value) || !Object.prototype.hasOwnProperty.call(value, field)) {
        throw new VariableError(`"\${${ref}}": no field "${field}"`);
      }
      value = value[field];
    }
    if (value === undefined) throw new VariableError(`"\${${ref}}" is undefined`);
    return value;
  }

  /** Expands one string (see the class comment). */
  expandString(text: string): unknown {
    const whole = WHOLE_REF.exec(text);
    if (whole) return this.lookup(whole[1] ?? "");
    return text.replace(REF, (_match, ref: string) => {
      const value = this.lookup(ref);
      if (typeof value === "string") return value;
      if (typeof value === "number" || typeof value === "boolean") return String(value);
      throw new VariableError(`"\${${ref}}" is not text and cannot be embedded in "${text}"`);
    });
  }

  /** Expands every string inside a YAML value (objects and arrays are copied). */
  expand(value: unknown): unknown {
    if (typeof value === "string") return this.expandString(value);
    if (Array.isArray(value)) return value.map((v: unknown) => this.expand(v));
    if (isObj(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.expand(v);
      return out;
    }
    return value;
  }
}
