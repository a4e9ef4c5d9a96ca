import { DurableStreamClient } from "react-durable-streams";
import { indexedDbCheckpoints, indexedDbOutbox } from "react-durable-streams/idb";

/**
 * The demo's one client: streams are served by the demo server on this
 * origin (it proxies `/streams/` to the reference server). Loopback only, so
 * the plain-HTTP connection-limit warning is noise here.
 */
export const client = new DurableStreamClient({
  baseUrl: window.location.origin,
  warnOnHttp: false,
  // `?liveBudget=0` turns the live-request budget off (the tiles page compares both).
  liveBudget: new URLSearchParams(window.location.search).get("liveBudget") === "0" ? false : {},
});

/** The tiles page's ten streams (the demo server creates them). */
export const TILE_URLS = Array.from({ length: 10 }, (_, i) => `/streams/tiles/${i}`);

/** Checkpoints in IndexedDB: a refreshed tab continues where it was. The inspector reads them too. */
export const checkpoints = indexedDbCheckpoints();

/** The durable producers' outbox in IndexedDB: the board's writes survive reloads, crashes and closed tabs. */
export const outbox = indexedDbOutbox();

/** A board event, as every tab appends it to `/streams/board`. */
export interface BoardEvent {
  id: string;
  text: string;
  /** Milliseconds since the epoch. */
  at: number;
  /** The producer id of the tab that wrote it. */
  tab: string;
}

/** The checkpoint key the demo pages use for a stream, if any. */
export function checkpointKeyFor(url: string): string {
  if (url === "/streams/board") return "board";
  const generation = /^\/streams\/generations\/([^/?#]+)$/.exec(url);
  return generation ? `generation-${generation[1]}` : "";
}

/** Counts the simulated model's tokens (`t00042 `) in a text. */
export function countTokens(text: string): number {
  return text.match(/t\d{5,}/g)?.length ?? 0;
}

/** A stable hue for a tab id, to tell tabs apart on the board. */
export function hueFor(id: string): number {
  let hash = 2166136261; // FNV-1a, then the golden angle: neighbouring ids get distant hues
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 16777619) >>> 0;
  return Math.round((hash % 1000) * 137.508) % 360;
}

/** The short, human name of a tab id (`tab-3f2a…` → `3F2A`). */
export function tabName(id: string): string {
  return id.replace(/^tab-/, "").slice(0, 4).toUpperCase();
}
