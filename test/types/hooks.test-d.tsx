import { QueryClient, useQuery } from "@tanstack/react-query";
import { describe, expectTypeOf, it } from "vitest";
import {
  DurableStreamClient,
  useDurableStream,
  useStreamProducer,
  type DurableStreamResult,
  type Offset,
  type ProducerMessage,
  type ProducerStatus,
  type DurableStreamStatus,
} from "../../src/react/index.js";
import { durableStreamQueryOptions, type StreamQueryData } from "../../src/query/index.js";

// Type tests: vitest's typecheck compiles them (nothing here runs). The hooks are
// called from functions named `use…` so that the rules of hooks hold.

interface Item {
  id: string;
  text: string;
}

type AllStatuses =
  | "idle"
  | "restoring"
  | "connecting"
  | "catching-up"
  | "live"
  | "paused"
  | "reconnecting"
  | "offline"
  | "closed"
  | "error";

describe("useDurableStream", () => {
  it("gives Item[] by default", () => {
    function useProbe() {
      const { data } = useDurableStream<Item>("/chat");
      expectTypeOf(data).toEqualTypeOf<Item[]>();
      expectTypeOf(useDurableStream("/any").data).toEqualTypeOf<unknown[]>();
    }
    expectTypeOf(useProbe).toBeFunction();
  });

  it("infers the state from reducer and initial", () => {
    function useProbe() {
      const { data } = useDurableStream("/chat", {
        reducer: (count: number, items: readonly Item[]) => count + items.length,
        initial: 0,
      });
      expectTypeOf(data).toEqualTypeOf<number>();
      const byId = useDurableStream<Item, Record<string, Item>>("/chat", {
        reducer: (state, items) => {
          expectTypeOf(items).toEqualTypeOf<readonly Item[]>();
          return { ...state, ...Object.fromEntries(items.map((item) => [item.id, item])) };
        },
        initial: {},
      });
      expectTypeOf(byId.data).toEqualTypeOf<Record<string, Item>>();
    }
    expectTypeOf(useProbe).toBeFunction();
  });

  it("lets select change the data type", () => {
    function useProbe() {
      const count = useDurableStream("/chat", {
        reducer: (state: Item[], items: readonly Item[]) => [...state, ...items],
        initial: [],
        select: (state) => state.length,
      });
      expectTypeOf(count.data).toEqualTypeOf<number>();
      const texts = useDurableStream<Item, Item[], string[]>("/chat", {
        select: (items) => items.map((item) => item.text),
      });
      expectTypeOf(texts.data).toEqualTypeOf<string[]>();
    }
    expectTypeOf(useProbe).toBeFunction();
  });

  it("rejects reducers that do not fit the state or the items", () => {
    function useProbe() {
      useDurableStream<Item, number>("/chat", {
        // @ts-expect-error the reducer must return the state type
        reducer: (count) => String(count),
        initial: 0,
      });
      useDurableStream<Item, number>("/chat", {
        reducer: (count) => count,
        // @ts-expect-error initial must be the state type
        initial: "zero",
      });
      useDurableStream<Item, number>("/chat", {
        // @ts-expect-error the items are Items, not numbers
        reducer: (count: number, items: readonly number[]) => count + items.length,
        initial: 0,
      });
      useDurableStream<Item, Item[], string>("/chat", {
        // @ts-expect-error select must produce the selected type
        select: (items) => items.length,
      });
    }
    expectTypeOf(useProbe).toBeFunction();
  });

  it("returns the documented result fields", () => {
    expectTypeOf<DurableStreamResult<Item[]>>().toEqualTypeOf<{
      data: Item[];
      status: DurableStreamStatus;
      error: Error | undefined;
      isUpToDate: boolean;
      closed: boolean;
      offset: Offset | undefined;
      retryAt: number | undefined;
      restoredFrom: "checkpoint" | "initialData" | undefined;
      retry: () => void;
    }>();
    // The status union has its own name; StreamStatus is only the component.
    expectTypeOf<DurableStreamStatus>().toEqualTypeOf<AllStatuses>();
  });
});

describe("useStreamProducer", () => {
  it("appends text, bytes and JSON values", () => {
    function useProbe() {
      const producer = useStreamProducer("/chat", { lingerMs: 10, producerId: "user-1" });
      expectTypeOf(producer.append).parameter(0).toEqualTypeOf<ProducerMessage>();
      expectTypeOf(producer.append).toBeCallableWith("token");
      expectTypeOf(producer.append).toBeCallableWith(new Uint8Array([1, 2]));
      expectTypeOf(producer.append).toBeCallableWith({ id: "1", text: "hi" });
      expectTypeOf(producer.append).toBeCallableWith([1, "two", null]);
      expectTypeOf(producer.append).returns.toEqualTypeOf<void>();
      expectTypeOf(producer.tryAppend).returns.toEqualTypeOf<boolean>();
      expectTypeOf(producer.flush).returns.toEqualTypeOf<Promise<void>>();
      expectTypeOf(producer.close).returns.toEqualTypeOf<Promise<{ finalOffset: Offset }>>();
      expectTypeOf(producer.status).toEqualTypeOf<ProducerStatus>();
      expectTypeOf<ProducerStatus>().toEqualTypeOf<"idle" | "sending" | "error" | "stopped">();
      expectTypeOf(producer.error).toEqualTypeOf<Error | undefined>();
      expectTypeOf(producer.pendingCount).toEqualTypeOf<number>();
      expectTypeOf(producer.inFlightCount).toEqualTypeOf<number>();
      expectTypeOf(producer.lastOffset).toEqualTypeOf<Offset | undefined>();
      expectTypeOf(producer.epoch).toEqualTypeOf<number>();
      // @ts-expect-error the stream URL is required
      useStreamProducer();
    }
    expectTypeOf(useProbe).toBeFunction();
  });
});

describe("durableStreamQueryOptions", () => {
  const client = new DurableStreamClient({ baseUrl: "http://localhost" });

  it("types the query data as StreamQueryData<State>", () => {
    function useProbe() {
      const text = useQuery(
        durableStreamQueryOptions<string, string>({ client, url: "/g", as: "text" }),
      );
      expectTypeOf(text.data).toEqualTypeOf<StreamQueryData<string> | undefined>();

      const options = durableStreamQueryOptions({
        client,
        url: "/sum",
        reducer: (total: number, items: readonly { n: number }[]) =>
          items.reduce((sum, item) => sum + item.n, total),
        initial: 0,
      });
      const sum = useQuery(options);
      expectTypeOf(sum.data).toEqualTypeOf<StreamQueryData<number> | undefined>();
      expectTypeOf(new QueryClient().getQueryData(options.queryKey)).toEqualTypeOf<
        StreamQueryData<number> | undefined
      >();
      expectTypeOf<StreamQueryData<number>>().toEqualTypeOf<{
        state: number;
        offset: Offset;
        cursor: string | undefined;
        closed: boolean;
      }>();

      durableStreamQueryOptions<{ n: number }, number>({
        client,
        url: "/sum",
        // @ts-expect-error the reducer must return the state type
        reducer: (total) => `${total}`,
        initial: 0,
      });
    }
    expectTypeOf(useProbe).toBeFunction();
  });
});
