import { StrictMode, type ReactNode } from "react";
import type { DurableStreamClient } from "../../src/client/index.js";
import { DurableStreamsProvider, type Throttle } from "../../src/react/index.js";

/** Provider settings a test may override. */
export interface HarnessOptions {
  gracePeriodMs?: number;
  throttle?: Throttle;
}

/** `ui` inside `<StrictMode>` and a provider on `client`: how every hook test renders. */
export function inProvider(
  client: DurableStreamClient,
  ui: ReactNode,
  options: HarnessOptions = {},
): ReactNode {
  return (
    <StrictMode>
      <DurableStreamsProvider
        client={client}
        gracePeriodMs={options.gracePeriodMs ?? 200}
        throttle={options.throttle ?? false}
      >
        {ui}
      </DurableStreamsProvider>
    </StrictMode>
  );
}
