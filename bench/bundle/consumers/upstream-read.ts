// The upstream client doing what client-read.ts does: catch up, then tail live.
import { DurableStream } from "@durable-streams/client";

interface Message {
  role: string;
  text: string;
}

const stream = new DurableStream({ url: "https://streams.example.com/chat/42" });

async function main(): Promise<void> {
  const history = await stream.stream<Message>({ offset: "-1", live: false });
  const messages = await history.json();
  console.log(messages.length, history.offset);

  let offset = history.offset;
  const live = await stream.stream<Message>({ offset, live: true });
  live.subscribeJson<Message>((batch) => {
    for (const message of batch.items) console.log(message.role, message.text);
    offset = batch.offset;
  });
  await live.closed;
  console.log(offset);
}

void main();
