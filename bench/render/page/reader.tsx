import { useEffect, useLayoutEffect, useRef, type ReactNode } from "react";
import { StreamText, useDurableStream, type Throttle } from "react-durable-streams";
import type { Probe } from "./probe.js";

export interface ReaderProps {
  url: string;
  throttle: Throttle;
  blocks: "auto" | boolean;
  probe: Probe;
}

/**
 * The measured view: the hook (as text) and `<StreamText>` on one stream.
 * They share one session and are notified in the same task, so each update
 * is one React commit, which the layout effect counts.
 */
export function Reader({ url, throttle, blocks, probe }: ReaderProps): ReactNode {
  const { data, status } = useDurableStream<string, string>(url, { as: "text", throttle });
  const textBox = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!textBox.current) return;
    return probe.watch(textBox.current);
  }, [probe]);

  // No dependency list: runs after every commit of this component.
  useLayoutEffect(() => {
    probe.commit(data, status);
  });

  return (
    <main>
      <p>
        <output data-testid="status">{status}</output> · {data.length} characters
      </p>
      <div ref={textBox} className="text">
        <StreamText url={url} blocks={blocks} />
      </div>
    </main>
  );
}
