import { createContext, useContext, useEffect, useState, type ReactNode } from "react";
import type { Decorator } from "@storybook/react-vite";
import { DurableStreamClient } from "../../src/client/index.js";
import { DurableStreamsProvider, type DurableStreamsProviderProps } from "../../src/react/index.js";
import {
  IN_MEMORY_ORIGIN,
  InMemoryStreams,
  type InMemoryStreamsOptions,
} from "./in-memory-streams.js";

/** Something a story does to its streams after a delay, in order. */
export interface ScriptStep {
  /** Milliseconds after the previous step (or the story's mount). */
  afterMs: number;
  run: (streams: InMemoryStreams) => void;
}

/** What a story's `parameters.streams` holds. */
export interface StreamsParameter {
  /** Creates the story's streams (synchronously, before the first request) and returns its script. */
  setup?: (streams: InMemoryStreams) => readonly ScriptStep[] | void;
  server?: InMemoryStreamsOptions;
  provider?: Pick<
    DurableStreamsProviderProps,
    "throttle" | "gracePeriodMs" | "checkpointIntervalMs" | "outbox"
  >;
}

/** Steps that type `text` out token by token (fixed content, fixed pace), then close the stream. */
export function typeOut(
  path: string,
  tokens: readonly string[],
  options: { intervalMs?: number; startAfterMs?: number; close?: boolean } = {},
): ScriptStep[] {
  const intervalMs = options.intervalMs ?? 90;
  const steps: ScriptStep[] = tokens.map((token, index) => ({
    afterMs: index === 0 ? (options.startAfterMs ?? intervalMs) : intervalMs,
    run: (streams) => streams.append(path, token),
  }));
  if (options.close ?? true) steps.push({ afterMs: intervalMs, run: (s) => s.close(path) });
  return steps;
}

/** Splits a text into tokens the way a model streams them: words with their leading space. */
export function tokenize(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

/** Runs script steps one after another; stopping and starting again continues where it was. */
class Script {
  private index = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly streams: InMemoryStreams,
    private readonly steps: readonly ScriptStep[],
  ) {}

  start(): void {
    this.stop();
    const step = this.steps[this.index];
    if (!step) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.index++;
      step.run(this.streams);
      this.start();
    }, step.afterMs);
  }

  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

interface Harness {
  streams: InMemoryStreams;
  client: DurableStreamClient;
  script: Script;
}

function createHarness(parameter: StreamsParameter | undefined): Harness {
  const streams = new InMemoryStreams(parameter?.server);
  const steps = parameter?.setup?.(streams) ?? [];
  const client = new DurableStreamClient({
    baseUrl: IN_MEMORY_ORIGIN,
    fetch: streams.fetch,
    warnOnHttp: false,
  });
  return { streams, client, script: new Script(streams, steps) };
}

const StreamsContext = createContext<InMemoryStreams | null>(null);

/** The story's in-memory server, for stories with buttons that append, close or fail streams. */
export function useInMemoryStreams(): InMemoryStreams {
  const streams = useContext(StreamsContext);
  if (!streams) throw new Error("useInMemoryStreams needs the withStreams decorator");
  return streams;
}

/** One in-memory server, client and provider for one story, kept for as long as it is mounted. */
export function StreamsHarness({
  parameter,
  children,
}: {
  parameter: StreamsParameter | undefined;
  children: ReactNode;
}): ReactNode {
  const [harness] = useState(() => createHarness(parameter));
  useEffect(() => {
    harness.script.start();
    return () => harness.script.stop();
  }, [harness]);
  return (
    <StreamsContext.Provider value={harness.streams}>
      <DurableStreamsProvider client={harness.client} {...parameter?.provider}>
        {children}
      </DurableStreamsProvider>
    </StreamsContext.Provider>
  );
}

/**
 * Wraps a story in `<DurableStreamsProvider>` whose client talks to a fresh
 * in-memory server, set up by the story's `parameters.streams`.
 */
export const withStreams: Decorator = (Story, context) => (
  <StreamsHarness key={context.id} parameter={context.parameters.streams as StreamsParameter}>
    <Story />
  </StreamsHarness>
);
