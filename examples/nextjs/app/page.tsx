import { StreamText } from "react-durable-streams";
import { DurableStreamClient, Offset } from "react-durable-streams/client";
import { LiveText } from "./live-text";

/** The stream this page shows, on the Durable Streams server. */
const STREAM_PATH = "/streams/nextjs-example";

// Read on every request: the HTML holds the stream as it is now.
export const dynamic = "force-dynamic";

/** A server component: reads the stream's current text with the client, then hands it to a live view. */
export default async function Page() {
  const baseUrl = process.env.DS_STREAMS_URL ?? "http://127.0.0.1:4437";
  const client = new DurableStreamClient({ baseUrl, warnOnHttp: false });
  const response = await client.stream(STREAM_PATH).read({ offset: Offset.beginning, live: "off" });
  const text = await response.text();
  return (
    <main>
      <h1>Durable Streams on Next.js</h1>
      <LiveText url={STREAM_PATH} initialData={{ state: text, offset: response.offset }} />
      {/* A client component used straight from this server component: the package marks it "use client". */}
      <div data-testid="stream-text">
        <StreamText url={STREAM_PATH} persist="nextjs-stream-text" />
      </div>
    </main>
  );
}
