"use client";

import { useState, type ReactNode } from "react";
import { DurableStreamClient, DurableStreamsProvider } from "react-durable-streams";
import { indexedDbCheckpoints } from "react-durable-streams/idb";

/**
 * The client and the provider live in a client module: a client instance
 * cannot be passed from a server component (it is not serializable).
 */
export function Providers({ children }: { children: ReactNode }) {
  const [client] = useState(() => new DurableStreamClient({ warnOnHttp: false }));
  return (
    <DurableStreamsProvider client={client} checkpoints={indexedDbCheckpoints()}>
      {children}
    </DurableStreamsProvider>
  );
}
