import type { ReactNode } from "react";
import { Providers } from "./providers";

// No favicon request (it would 404 in the console).
export const metadata = { title: "react-durable-streams on Next.js", icons: { icon: "data:," } };

/** A server layout: the provider comes from a client module, the page stays a server component. */
export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <Providers>{children}</Providers>
      </body>
    </html>
  );
}
