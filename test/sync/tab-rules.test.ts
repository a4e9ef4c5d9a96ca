import { describe, expect, it } from "vitest";
import { NetworkError } from "../../src/client/index.js";
import {
  followAction,
  fromSharedError,
  handoverTarget,
  statusChanged,
  toSharedError,
} from "../../src/sync/tab-rules.js";

describe("followAction", () => {
  it.each([
    {
      name: "starts where the tab stands",
      position: "0_10",
      from: "0_10",
      to: "0_20",
      want: "apply",
    },
    {
      name: "from the beginning, nothing yet",
      position: undefined,
      from: "-1",
      to: "0_20",
      want: "apply",
    },
    {
      name: "an empty answer where the tab stands",
      position: "0_10",
      from: "0_10",
      to: "0_10",
      want: "apply",
    },
    {
      name: "already held (ends where the tab stands)",
      position: "0_20",
      from: "0_10",
      to: "0_20",
      want: "skip",
    },
    {
      name: "already held (ends before)",
      position: "0_30",
      from: "0_10",
      to: "0_20",
      want: "skip",
    },
    {
      name: "a new leader resending from the beginning",
      position: "0_30",
      from: "-1",
      to: "0_20",
      want: "skip",
    },
    {
      name: "a gap (starts after the tab)",
      position: "0_10",
      from: "0_20",
      to: "0_30",
      want: "resync",
    },
    {
      name: "an overlap that cannot be split",
      position: "0_15",
      from: "0_10",
      to: "0_20",
      want: "resync",
    },
    {
      name: "nothing yet, the leader is further on",
      position: undefined,
      from: "0_10",
      to: "0_20",
      want: "resync",
    },
  ] as const)("$name: $want", ({ position, from, to, want }) => {
    expect(followAction(position, from, to)).toBe(want);
  });
});

describe("handoverTarget", () => {
  it.each([
    { name: "the leader is visible", leaderVisible: true, visible: ["b"], want: undefined },
    { name: "hidden, nobody else visible", leaderVisible: false, visible: [], want: undefined },
    { name: "hidden, one visible tab", leaderVisible: false, visible: ["b"], want: "b" },
    {
      name: "hidden, several: the first known",
      leaderVisible: false,
      visible: ["c", "b"],
      want: "c",
    },
  ])("$name: $want", ({ leaderVisible, visible, want }) => {
    expect(handoverTarget(leaderVisible, new Set(visible))).toBe(want);
  });
});

describe("statusChanged", () => {
  const error = new NetworkError("down");
  const live = { status: "live", error: undefined, retryAt: undefined } as const;
  it.each([
    { name: "nothing", before: live, after: { ...live }, want: false },
    { name: "the status", before: live, after: { ...live, status: "reconnecting" }, want: true },
    { name: "the error", before: live, after: { ...live, error }, want: true },
    { name: "the retry time", before: live, after: { ...live, retryAt: 5 }, want: true },
  ] as const)("$name: $want", ({ before, after, want }) => {
    expect(statusChanged(before, after)).toBe(want);
  });
});

describe("shared errors", () => {
  it("keep name and message across tabs (the class does not survive cloning)", () => {
    const rebuilt = fromSharedError(structuredClone(toSharedError(new NetworkError("gone"))));
    expect(rebuilt).toBeInstanceOf(Error);
    expect(rebuilt?.name).toBe("NetworkError");
    expect(rebuilt?.message).toBe("gone");
    expect(toSharedError(undefined)).toBeUndefined();
    expect(fromSharedError(undefined)).toBeUndefined();
  });
});
