import type { ChunkMeta, StreamResponse } from "../client/index.js";

/** How a view reads the stream: JSON messages, text, or bytes. */
export type ReadAs = "json" | "text" | "bytes";

/**
 * Folds a batch into the state. JSON views get the batch's messages; text and
 * byte views get a one-element array holding the chunk's text or bytes. Must
 * be pure: a replay after a reload runs it again from the checkpoint.
 */
export type StreamReducer<Item, State> = (
  state: State,
  items: readonly Item[],
  meta: ChunkMeta,
) => State;

/** The default state before any data: an empty list, string or byte array. */
export function defaultInitial(as: ReadAs): unknown {
  if (as === "text") return "";
  if (as === "bytes") return new Uint8Array(0);
  return [];
}

/** The default reducers: append messages, concatenate text, concatenate bytes. */
export function defaultReducer(as: ReadAs): StreamReducer<unknown, unknown> {
  if (as === "text") return (state, items) => (state as string) + (items as string[]).join("");
  if (as === "bytes") {
    return (state, items) => {
      const previous = state as Uint8Array;
      const added = items as Uint8Array[];
      const total = added.reduce((sum, part) => sum + part.length, previous.length);
      const out = new Uint8Array(total);
      out.set(previous);
      let position = previous.length;
      for (const part of added) {
        out.set(part, position);
        position += part.length;
      }
      return out;
    };
  }
  return (state, items) => {
    const list = state as unknown[];
    return items.length === 0 ? list : list.length === 0 ? items.slice() : list.concat(items);
  };
}

/** What to read a stream as when the view did not say: by its content type. */
export function readAsFor(contentType: string | undefined): ReadAs {
  const bare = contentType?.split(";", 1)[0]?.trim().toLowerCase();
  if (bare === "application/json") return "json";
  if (bare?.startsWith("text/")) return "text";
  return "bytes";
}

/**
 * A response's chunks as reducer input, whatever the view reads the stream
 * as: a JSON batch's messages, or a chunk's text or bytes as one element.
 */
export async function* reducerBatches<Item>(
  response: StreamResponse,
  as: ReadAs,
): AsyncGenerator<{ items: readonly Item[]; meta: ChunkMeta }> {
  if (as === "json") {
    for await (const batch of response.jsonBatches<Item>())
      yield { items: batch.items, meta: batch };
  } else if (as === "text") {
    for await (const chunk of response.textChunks()) {
      yield { items: (chunk.text === "" ? [] : [chunk.text]) as Item[], meta: chunk };
    }
  } else {
    for await (const chunk of response.byteChunks()) {
      yield { items: (chunk.data.length === 0 ? [] : [chunk.data]) as Item[], meta: chunk };
    }
  }
}
