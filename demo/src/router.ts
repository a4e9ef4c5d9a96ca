import { useSyncExternalStore } from "react";

/** The demo's pages, from the location hash. */
export type Route =
  | { page: "generate"; id: string | undefined }
  | { page: "board" }
  | { page: "tiles" }
  | { page: "inspector"; url: string | undefined };

function subscribe(onChange: () => void): () => void {
  window.addEventListener("hashchange", onChange);
  return () => window.removeEventListener("hashchange", onChange);
}

const readHash = () => window.location.hash;

/** Parses `#/generate`, `#/generate/<id>`, `#/board`, `#/tiles`, `#/inspector` and `#/inspector?url=...`. */
export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#/, "").split("?", 2);
  const parts = path.split("/").filter(Boolean);
  if (parts[0] === "board") return { page: "board" };
  if (parts[0] === "tiles") return { page: "tiles" };
  if (parts[0] === "inspector") {
    return { page: "inspector", url: new URLSearchParams(query).get("url") ?? undefined };
  }
  const id = parts[0] === "generate" && parts[1] ? decodeURIComponent(parts[1]) : undefined;
  return { page: "generate", id };
}

/** The current route; re-renders on every hash change. */
export function useRoute(): Route {
  return parseRoute(useSyncExternalStore(subscribe, readHash, () => ""));
}

/** The hash of the inspector page, opened on a stream. */
export function inspectorHref(url: string): string {
  return `#/inspector?url=${encodeURIComponent(url)}`;
}
