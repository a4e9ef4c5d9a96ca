// A consumer app's code, type-checked against the built declarations in `dist/` (never run):
// with exactOptionalPropertyTypes and skipLibCheck off, and against the oldest
// @tanstack/react-query in the peer range (test/package/check-consumers.ts).
import { QueryClient, useQuery, useSuspenseQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import {
  DurableStreamsProvider,
  StreamList,
  StreamStatus,
  StreamText,
  useDurableStream,
  useStreamProducer,
} from "react-durable-streams";
import { DurableStreamClient, Offset } from "react-durable-streams/client";
import { indexedDbCheckpoints } from "react-durable-streams/idb";
import { durableStreamQueryOptions, type StreamQueryData } from "react-durable-streams/query";
import { VirtualStreamList } from "react-durable-streams/virtual";

interface Message {
  id: string;
  text: string;
}

const client = new DurableStreamClient({ baseUrl: "https://streams.example.com" });
const queryClient = new QueryClient();

export async function readOnce(): Promise<number> {
  const stream = client.stream("/chat/42");
  await stream.appendJson({ id: "1", text: "hi" });
  const response = await stream.read({ offset: Offset.beginning, live: "off" });
  const messages = await response.json<Message>();
  return messages.length;
}

function Chat(): ReactNode {
  const { data, status, error, retryAt } = useDurableStream<Message>("/chat/42", {
    persist: "chat-42",
    live: "auto",
    throttle: "frame",
  });
  const producer = useStreamProducer("/chat/42");
  const send = () => producer.append({ id: String(data.length), text: "hello" });
  return (
    <section>
      <StreamStatus status={status} error={error} retryAt={retryAt} />
      <StreamList<Message> url="/chat/42" getKey={(m) => m.id}>
        {(m) => <li>{m.text}</li>}
      </StreamList>
      <VirtualStreamList<Message> url="/chat/42" style={{ height: 300 }}>
        {(m) => <p>{m.text}</p>}
      </VirtualStreamList>
      <button onClick={send}>Send</button>
    </section>
  );
}

function Generation({ url }: { url: string }): ReactNode {
  const options = durableStreamQueryOptions<string, string>({ client, url, as: "text" });
  const { data } = useQuery(options);
  const cached: StreamQueryData<string> | undefined = queryClient.getQueryData(options.queryKey);
  const suspended = useSuspenseQuery(
    durableStreamQueryOptions<string, string>({ client, url: `${url}/b`, as: "text" }),
  );
  return (
    <p>
      {data?.state ?? cached?.state}
      {suspended.data.state}
      <StreamText url={url} as="span" />
    </p>
  );
}

export function App(): ReactNode {
  return (
    <DurableStreamsProvider
      client={client}
      checkpoints={indexedDbCheckpoints()}
      queryClient={queryClient}
    >
      <Chat />
      <Generation url="/generations/7" />
    </DurableStreamsProvider>
  );
}
