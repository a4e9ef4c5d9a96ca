// @vitest-environment node
import { describe, expect, it } from "vitest";
import * as client from "../../src/client/index.js";
import * as idb from "../../src/idb/index.js";
import * as query from "../../src/query/index.js";
import * as root from "../../src/react/index.js";
import * as virtual from "../../src/virtual/index.js";
import * as devtools from "../../src/devtools/index.js";

/**
 * The values each entry point exports, pinned: adding or removing a public
 * name is a deliberate change to this list (and the changelog). Types are
 * checked by test/package/consumer. The root entry holds what an app calls;
 * the framework-free machinery under the hooks (LiveSession, SharedRegistry,
 * RenderScheduler, SharedProducer, initialSnapshot, reducerBatches,
 * tabProducerId, resetPlainHttpWarnings) is not among it.
 */

const CLIENT = [
  "ContentTypeMismatchError",
  "DurableStream",
  "DurableStreamClient",
  "DurableStreamError",
  "IdempotentProducer",
  "InvalidArgumentError",
  "InvalidOffsetError",
  "NetworkError",
  "Offset",
  "OffsetGoneError",
  "ParseError",
  "ProducerBufferFullError",
  "ProducerClosedError",
  "SequenceConflictError",
  "SequenceGapError",
  "StaleEpochError",
  "StreamClosedError",
  "StreamConflictError",
  "StreamNotFoundError",
  "StreamResponse",
  "UnauthorizedError",
  "UndeliveredError",
  "UnexpectedStatusError",
  "compareOffsets",
];

const REACT = [
  "DurableStreamsProvider",
  "StreamList",
  "StreamStatus",
  "StreamText",
  "durableOutbox",
  "memoryCheckpoints",
  "memoryOutbox",
  "mergePending",
  "useDurableStream",
  "useStreamProducer",
  "useStreamsRuntime",
  "useSuspenseDurableStream",
];

const names = (module: object) => Object.keys(module).sort();

describe("public API", () => {
  it.each([
    ["react-durable-streams", root, [...CLIENT, ...REACT]],
    ["react-durable-streams/client", client, CLIENT],
    ["react-durable-streams/idb", idb, ["indexedDbCheckpoints", "indexedDbOutbox"]],
    ["react-durable-streams/query", query, ["durableStreamQueryOptions"]],
    ["react-durable-streams/virtual", virtual, ["VirtualStreamList"]],
    [
      "react-durable-streams/devtools",
      devtools,
      ["DurableStreamsDevtools", "inspectRuntime", "useRuntimeInspection"],
    ],
  ])("%s exports exactly its list", (_entry, module, expected) => {
    expect(names(module)).toEqual([...expected].sort());
  });
});
