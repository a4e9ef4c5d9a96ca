// A writer: create (or open) the stream and append exactly once through a producer.
import { IdempotentProducer, DurableStreamClient } from "react-durable-streams/client";

const client = new DurableStreamClient({ baseUrl: "https://streams.example.com" });

async function main(): Promise<void> {
  const stream = await client.createStream("/chat/42", { contentType: "application/json" });
  const producer = new IdempotentProducer(stream, "worker-1", { autoClaim: true, lingerMs: 5 });
  producer.on("error", (error) => console.error(error));
  for (let i = 0; i < 10; i++) producer.append({ role: "assistant", text: `token ${i}` });
  await producer.flush();
  await producer.detach();
  console.log(producer.lastOffset);
}

void main();
