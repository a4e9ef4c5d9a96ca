"use client";

import { useId, useState, type ReactNode } from "react";
import {
  cornerStyle,
  headerStyle,
  mutedStyle,
  panelStyle,
  toggleStyle,
  type DevtoolsPosition,
} from "./styles.js";
import { CheckpointsTable, ProducersTable, SessionsTable } from "./tables.js";
import { useNow } from "./use-now.js";
import { useRuntimeInspection } from "./use-runtime-inspection.js";

/** Props of {@link DurableStreamsDevtools}. */
export interface DurableStreamsDevtoolsProps {
  /** Open the panel on first render. Default false. */
  initialIsOpen?: boolean;
  /** The corner the button and panel sit in. Default `"bottom-right"`. */
  position?: DevtoolsPosition;
  /** The most often the open panel re-renders, in ms. Default 250. */
  refreshMs?: number;
}

/**
 * A floating button that opens a panel over the page: this tab's live
 * sessions (status, offset, messages and bytes received, subscribers, next
 * retry, last error), producers (id, epoch, next seq, pending, in flight,
 * last error) and the checkpoints it read or wrote. Render it inside
 * `<DurableStreamsProvider>`. It subscribes to the runtime only while open.
 * It renders in every build: to leave it out of production, render it only
 * in development (`{import.meta.env.DEV && <DurableStreamsDevtools />}`),
 * and the bundler drops it.
 */
export function DurableStreamsDevtools({
  initialIsOpen = false,
  position = "bottom-right",
  refreshMs = 250,
}: DurableStreamsDevtoolsProps): ReactNode {
  const [open, setOpen] = useState(initialIsOpen);
  const panelId = useId();
  const top = position.startsWith("top");
  const toggle = (
    <button
      type="button"
      style={toggleStyle}
      aria-expanded={open}
      aria-controls={open ? panelId : undefined}
      onClick={() => setOpen((wasOpen) => !wasOpen)}
    >
      {open ? "Close Durable Streams devtools" : "Durable Streams"}
    </button>
  );
  return (
    // Escape closes it while focus is in the panel or on its button.
    <div
      data-durable-streams-devtools=""
      onKeyDown={(event) => {
        if (event.key === "Escape") setOpen(false);
      }}
      style={{
        ...cornerStyle(position, 12),
        display: "flex",
        flexDirection: top ? "column-reverse" : "column",
        alignItems: position.endsWith("right") ? "flex-end" : "flex-start",
      }}
    >
      {open && <Panel id={panelId} refreshMs={refreshMs} />}
      {toggle}
    </div>
  );
}

function Panel({ id, refreshMs }: { id: string; refreshMs: number }): ReactNode {
  const inspection = useRuntimeInspection(refreshMs);
  const now = useNow();
  return (
    <section id={id} aria-label="Durable Streams devtools" style={panelStyle}>
      <div style={headerStyle}>
        <strong>Durable Streams</strong>
        <span style={mutedStyle}>
          {inspection.sessions.length} sessions · {inspection.producers.length} producers ·
          checkpoints in {inspection.checkpointStore}
        </span>
      </div>
      <SessionsTable sessions={inspection.sessions} now={now} />
      <ProducersTable producers={inspection.producers} />
      <CheckpointsTable
        checkpoints={inspection.checkpoints}
        store={inspection.checkpointStore}
        now={now}
      />
    </section>
  );
}
