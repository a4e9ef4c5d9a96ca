/** Our client (`src/client`), used the way its README shows, with default options. */
import {
  DurableStreamClient,
  Offset,
  type DurableStreamError,
  IdempotentProducer,
  type ProducerMessage,
} from "../../../src/client/index.js";
import { BYTES_TYPE, JSON_TYPE, benchMessage } from "../fixtures.js";
import type { Contender, LiveReader, PreparedProduce, ProducerWorkload } from "./types.js";

export function oursContender(): Contender {
  // warnOnHttp: the server is plain HTTP on loopback by design.
  const client = new DurableStreamClient({ warnOnHttp: false });
  const handle = (url: string, contentType: string) => client.stream(url, { contentType });

  return {
    name: "ours",
    describe: {
      readJson: "stream.read({ live: 'off' }) + for await res.jsonBatches()",
      readBytes: "stream.read({ live: 'off' }) + for await res.byteChunks()",
      follow: "stream.read({ live }) + for await res.jsonBatches()",
      produce:
        "new IdempotentProducer(stream, id) with default options; tryAppend(), waiting for 'change' when full",
    },

    async readJson(url) {
      const res = await handle(url, JSON_TYPE).read({ offset: Offset.beginning, live: "off" });
      let count = 0;
      for await (const batch of res.jsonBatches()) {
        for (const item of batch.items) if (item !== undefined) count++;
      }
      return count;
    },

    async readBytes(url, onChunk) {
      const res = await handle(url, BYTES_TYPE).read({ offset: Offset.beginning, live: "off" });
      let total = 0;
      for await (const chunk of res.byteChunks()) {
        total += chunk.data.length;
        onChunk?.(chunk.data.length);
      }
      return total;
    },

    async follow(url, mode, onMessage): Promise<LiveReader> {
      const res = await handle(url, JSON_TYPE).read({ offset: Offset.beginning, live: mode });
      const loop = (async () => {
        for await (const batch of res.jsonBatches())
          for (const item of batch.items) onMessage(item);
      })();
      // Observed in stop(); until then a failure must not be an unhandled rejection.
      loop.catch(() => undefined);
      return {
        async stop() {
          res.cancel();
          await loop;
        },
      };
    },

    async appendJson(url, message) {
      const { offset } = await handle(url, JSON_TYPE).appendJson(message);
      if (offset === "") throw new Error("append answered without an offset");
    },

    async appendBytes(url, bytes) {
      const { offset } = await handle(url, BYTES_TYPE).append(bytes);
      if (offset === "") throw new Error("append answered without an offset");
    },

    async create(url, contentType) {
      const { created } = await handle(url, contentType).create({ contentType });
      if (!created) throw new Error(`${url} already existed`);
    },

    async prepareProduce(url, workload): Promise<PreparedProduce> {
      const contentType = workload.kind === "json" ? JSON_TYPE : BYTES_TYPE;
      const producer = new IdempotentProducer(handle(url, contentType), "bench");
      const errors: DurableStreamError[] = [];
      producer.on("error", (error) => errors.push(error));
      return {
        async run() {
          await appendAll(producer, workload);
          if (errors.length > 0)
            throw new Error(`producer reported ${errors.length} errors`, { cause: errors[0] });
        },
        dispose: () => producer.detach(),
      };
    },
  };
}

/** Appends the workload; at the buffer limits, waits for acknowledgements to free room. */
async function appendAll(producer: IdempotentProducer, workload: ProducerWorkload): Promise<void> {
  for (let i = 0; i < workload.count; i++) {
    const message: ProducerMessage = workload.kind === "json" ? benchMessage(i) : workload.payload;
    while (!producer.tryAppend(message)) await nextChange(producer);
  }
  await producer.flush();
}

function nextChange(producer: IdempotentProducer): Promise<void> {
  return new Promise((resolve) => {
    const off = producer.on("change", () => {
      off();
      resolve();
    });
  });
}
