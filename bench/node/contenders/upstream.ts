/** The upstream client `@durable-streams/client`, used the way its docs show, with default options. */
import {
  DurableStream as UpstreamStream,
  IdempotentProducer as UpstreamProducer,
  stream as upstreamRead,
} from "@durable-streams/client";
import { BYTES_TYPE, JSON_TYPE, benchMessage } from "../fixtures.js";
import type { Contender, LiveReader, PreparedProduce } from "./types.js";

export function upstreamContender(): Contender {
  const handle = (url: string, contentType: string) =>
    new UpstreamStream({ url, contentType, warnOnHttp: false });

  return {
    name: "upstream",
    describe: {
      readJson: "stream({ live: false }) + res.subscribeJson()",
      readBytes: "stream({ live: false }) + for await res.bodyStream()",
      follow: "stream({ live }) + res.subscribeJson()",
      produce: "new IdempotentProducer(stream, id) with default options; append(), flush()",
    },

    async readJson(url) {
      const res = await upstreamRead<unknown>({
        url,
        offset: "-1",
        live: false,
        warnOnHttp: false,
      });
      let count = 0;
      await new Promise<void>((resolve, reject) => {
        res.subscribeJson((batch) => {
          for (const item of batch.items) if (item !== undefined) count++;
          if (batch.upToDate) resolve();
        });
        // `closed` can resolve before the subscriber saw the last batch (the session
        // runs ahead of it), so completion is the up-to-date batch; `closed` only
        // reports failures, or a session that ended without ever getting there.
        res.closed.then(() => {
          setTimeout(() => reject(new Error("closed before up to date")), 30_000).unref();
        }, reject);
      });
      return count;
    },

    async readBytes(url, onChunk) {
      const res = await upstreamRead({ url, offset: "-1", live: false, warnOnHttp: false });
      let total = 0;
      for await (const chunk of res.bodyStream()) {
        total += chunk.length;
        onChunk?.(chunk.length);
      }
      return total;
    },

    async follow(url, mode, onMessage): Promise<LiveReader> {
      const res = await upstreamRead<unknown>({ url, offset: "-1", live: mode, warnOnHttp: false });
      res.subscribeJson((batch) => {
        for (const item of batch.items) onMessage(item);
      });
      // Observed in stop(); until then a failure must not be an unhandled rejection.
      res.closed.catch(() => undefined);
      return {
        async stop() {
          res.cancel();
          await res.closed;
        },
      };
    },

    async appendJson(url, message) {
      // Upstream takes JSON streams' messages pre-serialised.
      await handle(url, JSON_TYPE).append(JSON.stringify(message));
    },

    async appendBytes(url, bytes) {
      await handle(url, BYTES_TYPE).append(bytes);
    },

    async create(url, contentType) {
      await UpstreamStream.create({ url, contentType, warnOnHttp: false });
    },

    async prepareProduce(url, workload): Promise<PreparedProduce> {
      const contentType = workload.kind === "json" ? JSON_TYPE : BYTES_TYPE;
      const errors: Error[] = [];
      const producer = new UpstreamProducer(handle(url, contentType), "bench", {
        onError: (error) => errors.push(error),
      });
      return {
        async run() {
          for (let i = 0; i < workload.count; i++) {
            producer.append(
              workload.kind === "json" ? JSON.stringify(benchMessage(i)) : workload.payload,
            );
          }
          await producer.flush();
          if (errors.length > 0)
            throw new Error(`producer reported ${errors.length} errors`, { cause: errors[0] });
        },
        dispose: () => producer.detach(),
      };
    },
  };
}
