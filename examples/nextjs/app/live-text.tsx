"use client";

import { StreamStatus, useDurableStream, type Offset } from "react-durable-streams";

/** The stream's text, from the server's render at first, then live; saved for the next visit. */
export function LiveText({
  url,
  initialData,
}: {
  url: string;
  initialData: { state: string; offset: Offset };
}) {
  const { data, status, offset, restoredFrom } = useDurableStream<string, string>(url, {
    as: "text",
    persist: "nextjs-example",
    initialData,
  });
  return (
    <section>
      <StreamStatus status={status} />
      <p data-testid="offset" data-restored-from={restoredFrom ?? ""}>
        {offset}
      </p>
      <pre data-testid="text">{data}</pre>
    </section>
  );
}
