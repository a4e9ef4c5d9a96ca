// The upstream client doing what client-read.ts does, on its lean read path (`stream()`):
// catch up, then tail live.
import { stream } from "@durable-streams/client";

interface Message {
  role: string;
  text: string;
}

const url = "https://streams.example.com/chat/42";

async function main(): Promise<void> {
  const history = await stream<Message>({ url, offset: "-1", live: false });
  const messages = await history.json();
  console.log(messages.length, history.offset);

  let offset = history.offset;
  const live = await stream<Message>({ url, offset, live: true });
  live.subscribeJson<Message>((batch) => {
    for (const message of batch.items) console.log(message.role, message.text);
    offset = batch.offset;
  });
  await live.closed;
  console.log(offset);
}

void main();
