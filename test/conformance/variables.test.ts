// @vitest-environment node
import { describe, expect, it } from "vitest";
import { Variables, VariableError } from "../../conformance/runner/variables.js";

describe("conformance variables", () => {
  it("expands ${name} inside and as whole strings", () => {
    const vars = new Variables();
    vars.set("streamPath", "/test-stream-1");
    expect(vars.expand("${streamPath}")).toBe("/test-stream-1");
    expect(vars.expand("prefix${streamPath}/suffix")).toBe("prefix/test-stream-1/suffix");
    expect(vars.expand("no refs")).toBe("no refs");
  });

  it("keeps the type of a whole-string reference and stringifies embedded scalars", () => {
    const vars = new Variables();
    vars.set("n", 42);
    vars.set("flag", true);
    expect(vars.expand("${n}")).toBe(42);
    expect(vars.expand("n=${n}, flag=${flag}")).toBe("n=42, flag=true");
  });

  it("reads fields with ${name.field}, at any depth", () => {
    const vars = new Variables();
    vars.set("headResult", { success: true, offset: "0000_0012", nested: { a: { b: "deep" } } });
    expect(vars.expand("${headResult.offset}")).toBe("0000_0012");
    expect(vars.expand("x-${headResult.nested.a.b}")).toBe("x-deep");
  });

  it("gives a fresh UUID for every ${randomUUID}", () => {
    const vars = new Variables();
    const a = vars.expand("/non-existent-stream-${randomUUID}");
    const b = vars.expand("/non-existent-stream-${randomUUID}");
    expect(a).toMatch(/^\/non-existent-stream-[0-9a-f-]{36}$/);
    expect(a).not.toBe(b);
  });

  it("expands recursively through objects and lists without mutating them", () => {
    const vars = new Variables();
    vars.set("p", "/s");
    const step = { action: "read", path: "${p}", headers: { "X-P": "${p}" }, list: ["${p}", 1] };
    expect(vars.expand(step)).toEqual({
      action: "read",
      path: "/s",
      headers: { "X-P": "/s" },
      list: ["/s", 1],
    });
    expect(step.path).toBe("${p}");
  });

  it("fails loudly on unknown variables, missing fields and embedded objects", () => {
    const vars = new Variables();
    vars.set("obj", { offset: "1_1" });
    expect(() => vars.expand("${missing}")).toThrow(VariableError);
    expect(() => vars.expand("${obj.nope}")).toThrow(/no field "nope"/);
    expect(() => vars.expand("path/${obj}")).toThrow(/cannot be embedded/);
    expect(() => vars.set("bad name", 1)).toThrow(VariableError);
  });
});
