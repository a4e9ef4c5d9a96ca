/** The demo server's API (`/api/`), and the list of this browser's recent generations. */

export interface GenerationInfo {
  id: string;
  url: string;
  tokens: number;
  rate: number;
  done: boolean;
}

export interface RecentGeneration {
  id: string;
  rate: number;
  tokens: number;
  at: number;
}

const RECENT_KEY = "demo:recent-generations";
const RECENT_LIMIT = 6;

async function errorOf(response: Response): Promise<Error> {
  const body = (await response.json().catch(() => undefined)) as { error?: string } | undefined;
  return new Error(body?.error ?? `${response.status} ${response.statusText}`);
}

/** Starts a simulated model run; resolves as soon as its stream exists. */
export async function createGeneration(rate: number, tokens: number): Promise<{ id: string }> {
  const response = await fetch("/api/generate", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ rate, tokens }),
  });
  if (!response.ok) throw await errorOf(response);
  const { id } = (await response.json()) as { id: string; url: string };
  rememberGeneration({ id, rate, tokens, at: Date.now() });
  return { id };
}

/** What the server knows about a generation; undefined when it does not know it. */
export async function fetchGeneration(id: string): Promise<GenerationInfo | undefined> {
  const response = await fetch(`/api/generations/${encodeURIComponent(id)}`);
  if (response.status === 404) return undefined;
  if (!response.ok) throw await errorOf(response);
  return (await response.json()) as GenerationInfo;
}

export function recentGenerations(): RecentGeneration[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(RECENT_KEY) ?? "[]");
    return Array.isArray(parsed) ? (parsed as RecentGeneration[]) : [];
  } catch {
    return [];
  }
}

function rememberGeneration(entry: RecentGeneration): void {
  const next = [entry, ...recentGenerations().filter((item) => item.id !== entry.id)];
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(next.slice(0, RECENT_LIMIT)));
  } catch {
    // Storage may be unavailable; the list is a convenience.
  }
}
