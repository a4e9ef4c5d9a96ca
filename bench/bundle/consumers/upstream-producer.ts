// The upstream client doing what client-producer.ts does, with its idempotent producer.
import { DurableStream, IdempotentProducer } from "@durable-streams/client";

async function main(): Promise<void> {
  const stream = await DurableStream.create({
    url: "https://streams.example.com/chat/42",
    contentType: "application/json",
  });
  const producer = new IdempotentProducer(stream, "worker-1", {
    autoClaim: true,
    lingerMs: 5,
    onError: (error) => console.error(error),
  });
  for (let i = 0; i < 10; i++) {
    producer.append(JSON.stringify({ role: "assistant", text: `token ${i}` }));
  }
  await producer.flush();
  await producer.detach();
  console.log(producer.lastSuccessfulOffset);
}

void main();
