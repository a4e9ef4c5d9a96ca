import type { ReactNode } from "react";
import { BoardPage } from "./board-page.js";
import { GeneratePage } from "./generate-page.js";
import { InspectorPage } from "./inspector-page.js";
import { TilesPage } from "./tiles-page.js";
import { useRoute, type Route } from "./router.js";

const PAGES: Array<{ page: Route["page"]; href: string; label: string }> = [
  { page: "generate", href: "#/generate", label: "Generate" },
  { page: "board", href: "#/board", label: "Board" },
  { page: "tiles", href: "#/tiles", label: "Many streams" },
  { page: "inspector", href: "#/inspector", label: "Inspector" },
];

/** The shell: a top bar with the nav, then the page the hash names. */
export function App(): ReactNode {
  const route = useRoute();
  return (
    <div className="shell">
      <header className="topbar">
        <div className="topbar-inner">
          <a className="brand" href="#/generate">
            <span className="brand-mark" aria-hidden="true" />
            <span>
              Durable Streams <span className="brand-sub">React demo</span>
            </span>
          </a>
          <nav className="nav" aria-label="Pages">
            {PAGES.map(({ page, href, label }) => (
              <a
                key={page}
                href={href}
                className="nav-link"
                aria-current={route.page === page ? "page" : undefined}
              >
                {label}
              </a>
            ))}
          </nav>
        </div>
      </header>
      <main className="main">
        {route.page === "generate" && <GeneratePage id={route.id} />}
        {route.page === "board" && <BoardPage />}
        {route.page === "tiles" && <TilesPage />}
        {route.page === "inspector" && <InspectorPage initialUrl={route.url} />}
      </main>
      <footer className="footer">
        Streams live in the embedded reference server, on disk. Refresh, open a second tab, or
        restart the server: every view continues where it was.
      </footer>
    </div>
  );
}
