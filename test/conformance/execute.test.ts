// @vitest-environment node
import { describe, expect, it } from "vitest";
import { commandTimeout, runCase } from "../../conformance/runner/execute.js";
import type { ServerSteps } from "../../conformance/runner/server.js";
import type {
  AdapterConnection,
  Command,
  Obj,
  RawStep,
  SendOutcome,
  TestCase,
} from "../../conformance/runner/types.js";

/** A scripted adapter: answers with `reply(command)`, records every command. */
class FakeAdapter implements AdapterConnection {
  readonly sent: Command[] = [];
  inFlight = 0;
  maxInFlight = 0;
  constructor(
    private readonly reply: (c: Command) => unknown,
    private readonly delayMs = 0,
  ) {}
  async send(command: Command): Promise<SendOutcome> {
    this.sent.push(command);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    this.inFlight--;
    return { ok: true, result: this.reply(command) };
  }
}

class FakeServer implements ServerSteps {
  readonly calls: string[] = [];
  async serverAppend(path: string, body: Uint8Array): Promise<Obj> {
    this.calls.push(`server-append ${path} ${new TextDecoder().decode(body)}`);
    return { type: "server-append", success: true, status: 204, offset: "9_9" };
  }
  async serverClose(path: string): Promise<Obj> {
    this.calls.push(`server-close ${path}`);
    return { type: "server-close", success: true, status: 204 };
  }
  async injectError(fault: Obj): Promise<string | undefined> {
    this.calls.push(`inject ${JSON.stringify(fault)}`);
    return undefined;
  }
  async clearErrors(): Promise<string | undefined> {
    this.calls.push("clear");
    return "cleanup failure is ignored";
  }
}

function testCase(parts: {
  setup?: RawStep[];
  operations?: RawStep[];
  cleanup?: RawStep[];
}): TestCase {
  return {
    id: "t",
    name: "t",
    file: "f.yaml",
    suiteId: "s",
    category: "producer",
    tags: [],
    fileTags: [],
    requires: [],
    fileRequires: [],
    skip: undefined,
    setup: parts.setup ?? [],
    operations: parts.operations ?? [],
    cleanup: parts.cleanup ?? [],
  };
}

const ok = (c: Command): Obj => ({
  type: c.type,
  success: true,
  status: c.type === "create" ? 201 : 200,
});

function deps(adapter: AdapterConnection, server = new FakeServer()) {
  return {
    adapter,
    server,
    timeoutMs: 1000,
    newPath: () => "/test-stream-fixed",
    sleep: async () => {},
  };
}

describe("conformance case execution", () => {
  it("fails the case when a setup step without expect fails", async () => {
    const adapter = new FakeAdapter((c) => ({
      type: c.type,
      success: false,
      errorCode: "NOT_SUPPORTED",
      message: "nope",
    }));
    const failure = await runCase(
      testCase({
        setup: [{ action: "create", as: "p" }],
        operations: [{ action: "head", path: "${p}" }],
      }),
      deps(adapter),
    );
    expect(failure).toEqual({
      step: "setup[0] create",
      reason: 'command failed: NOT_SUPPORTED "nope"',
    });
    expect(adapter.sent).toHaveLength(1);
  });

  it("also fails on a failing operation step without expect, but ignores cleanup failures", async () => {
    const adapter = new FakeAdapter((c) =>
      c.type === "append"
        ? { type: "error", success: false, errorCode: "NOT_FOUND", status: 404 }
        : ok(c),
    );
    const failure = await runCase(
      testCase({
        operations: [
          { action: "create", as: "p" },
          { action: "append", path: "${p}", data: "x" },
        ],
        cleanup: [{ action: "clear-errors" }, { action: "delete", path: "${undefinedVar}" }],
      }),
      deps(adapter),
    );
    expect(failure?.step).toBe("operations[1] append");
    const passing = await runCase(
      testCase({
        operations: [{ action: "create", as: "p" }],
        cleanup: [{ action: "clear-errors" }],
      }),
      deps(new FakeAdapter(ok)),
    );
    expect(passing).toBeUndefined();
  });

  it("sends the exact adapter fields of ADAPTER.md §5", async () => {
    const adapter = new FakeAdapter((c) => ({ ...ok(c), offset: "1_5" }));
    const failure = await runCase(
      testCase({
        setup: [{ action: "create", as: "p", contentType: "application/json", ttlSeconds: 60 }],
        operations: [
          { action: "append", path: "${p}", json: { id: 1 }, expect: { storeOffsetAs: "o" } },
          { action: "append", path: "${p}", binaryData: "AQID", seq: 2, headers: { "X-A": 1 } },
          { action: "idempotent-append", path: "${p}", producerId: "pr", data: "d" },
          { action: "read", path: "${p}", offset: "${o}", live: "sse", waitForUpToDate: true },
          { action: "close", path: "${p}", data: "fin" },
          { action: "validate", target: { target: "retry-options", maxRetries: -1 } },
        ],
      }),
      deps(adapter),
    );
    expect(failure).toBeUndefined();
    expect(adapter.sent).toEqual([
      {
        type: "create",
        path: "/test-stream-fixed",
        contentType: "application/json",
        ttlSeconds: 60,
      },
      { type: "append", path: "/test-stream-fixed", data: '{"id":1}', binary: false },
      {
        type: "append",
        path: "/test-stream-fixed",
        data: "AQID",
        binary: true,
        seq: 2,
        headers: { "X-A": "1" },
      },
      {
        type: "idempotent-append",
        path: "/test-stream-fixed",
        data: "d",
        producerId: "pr",
        epoch: 0,
        autoClaim: false,
      },
      {
        type: "read",
        path: "/test-stream-fixed",
        offset: "1_5",
        live: "sse",
        waitForUpToDate: true,
      },
      { type: "close", path: "/test-stream-fixed", data: "fin" },
      { type: "validate", target: { target: "retry-options", maxRetries: -1 } },
    ]);
  });

  it("runs runner-side steps while a background read is outstanding, then judges it at await", async () => {
    const server = new FakeServer();
    const adapter = new FakeAdapter(
      (c) =>
        c.type === "read" ? { ...ok(c), chunks: [{ data: "new-data" }], upToDate: true } : ok(c),
      20,
    );
    const failure = await runCase(
      testCase({
        setup: [{ action: "create", as: "p" }],
        operations: [
          {
            action: "read",
            path: "${p}",
            live: "long-poll",
            timeoutMs: 10000,
            background: true,
            as: "r",
          },
          { action: "wait", ms: 200 },
          { action: "server-append", path: "${p}", data: "new-data" },
          { action: "await", ref: "r", expect: { dataContains: "new-data" } },
          { action: "head", path: "${p}" },
        ],
      }),
      deps(adapter, server),
    );
    expect(failure).toBeUndefined();
    expect(server.calls).toEqual(["server-append /test-stream-fixed new-data"]);
    expect(adapter.sent.map((c) => c.type)).toEqual(["create", "read", "head"]);
    expect(adapter.maxInFlight).toBe(1);
  });

  it("fails a background read that is never awaited, or an await with a failing expect", async () => {
    const adapter = new FakeAdapter((c) => ({ ...ok(c), chunks: [] }));
    const bgRead = { action: "read", path: "/s", background: true, as: "r" };
    expect((await runCase(testCase({ operations: [bgRead] }), deps(adapter)))?.reason).toMatch(
      /never awaited: r/,
    );
    const failure = await runCase(
      testCase({ operations: [bgRead, { action: "await", ref: "r", expect: { minChunks: 1 } }] }),
      deps(adapter),
    );
    expect(failure?.step).toBe("operations[1] await r");
  });

  it("builds one combined result for append-batch", async () => {
    const adapter = new FakeAdapter((c) =>
      c["seq"] === 1
        ? { type: "error", success: false, errorCode: "SEQUENCE_CONFLICT", status: 409 }
        : ok(c),
    );
    const items = [
      { data: "a", seq: 2 },
      { data: "b", seq: 1 },
      { data: "c", seq: 3 },
    ];
    const step = { action: "append-batch", path: "/s", items };
    expect(
      await runCase(
        testCase({
          operations: [{ ...step, expect: { succeedIndices: [0, 2], failIndices: [1] } }],
        }),
        deps(adapter),
      ),
    ).toBeUndefined();
    const failure = await runCase(
      testCase({ operations: [{ ...step, expect: { allSucceed: true } }] }),
      deps(adapter),
    );
    expect(failure?.reason).toMatch(/command failed/);
  });

  it("fails loudly on unknown actions, unknown step keys and misplaced expect", async () => {
    const adapter = new FakeAdapter(ok);
    const reason = async (step: RawStep) =>
      (await runCase(testCase({ operations: [step] }), deps(adapter)))?.reason;
    expect(await reason({ action: "teleport" })).toMatch(/unknown action/);
    expect(await reason({ action: "append", path: "/s", data: "x", sequence: 1 })).toMatch(
      /unknown key "sequence"/,
    );
    expect(await reason({ action: "wait", ms: 1, expect: { status: 200 } })).toMatch(/not allowed/);
    expect(await reason({ action: "head", path: "/s", expect: { bogus: 1 } })).toMatch(/bogus/);
  });

  it("supports set and assert", async () => {
    const adapter = new FakeAdapter(ok);
    const run = (assert: RawStep) =>
      runCase(
        testCase({
          operations: [
            { action: "set", name: "v", value: "abc-123" },
            { action: "assert", ...assert },
          ],
        }),
        deps(adapter),
      );
    expect(
      await run({ value: "${v}", equals: "abc-123", contains: "c-1", regex: "^abc-\\d+$" }),
    ).toBeUndefined();
    expect((await run({ value: "${v}", notEquals: "abc-123" }))?.reason).toMatch(/to differ/);
    expect((await run({ value: "${v}", regex: "^x" }))?.reason).toMatch(/does not match/);
  });

  it("lets a read that asks for a long timeoutMs outlive --timeout", () => {
    expect(commandTimeout({ type: "read", timeoutMs: 10_000 }, 10_000)).toBe(15_000);
    expect(commandTimeout({ type: "read" }, 2_000)).toBe(2_000);
    expect(commandTimeout({ type: "append", timeoutMs: 10_000 }, 2_000)).toBe(2_000);
  });
});
