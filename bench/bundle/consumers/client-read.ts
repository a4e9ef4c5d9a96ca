// A reader: catch up on the history, then tail live and keep a checkpoint.
import { DurableStreamClient, Offset, type Checkpoint } from "react-durable-streams/client";

interface Message {
  role: string;
  text: string;
}

const client = new DurableStreamClient({ baseUrl: "https://streams.example.com" });
const stream = client.stream("/chat/42");

async function main(): Promise<void> {
  const history = await stream.read({ offset: Offset.beginning, live: "off" });
  const messages = await history.json<Message>();
  console.log(messages.length, history.offset);

  let checkpoint: Checkpoint = history.checkpoint;
  const live = await stream.read({ offset: checkpoint.offset, live: "auto" });
  for await (const batch of live.jsonBatches<Message>()) {
    for (const message of batch.items) console.log(message.role, message.text);
    checkpoint = batch.checkpoint;
  }
  console.log(checkpoint);
}

void main();
