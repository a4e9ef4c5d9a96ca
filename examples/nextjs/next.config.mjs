import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/**
 * The Durable Streams server: read by the page on the server, and reached by
 * the browser through the rewrite below (fixed when the app is built).
 */
const STREAMS_URL = process.env.DS_STREAMS_URL ?? "http://127.0.0.1:4437";

/** @type {import("next").NextConfig} */
const config = {
  // The package is this repository: resolve it to the built dist/, as an app installing it would.
  turbopack: {
    root: ROOT,
    resolveAlias: {
      "react-durable-streams": "./dist/index.js",
      "react-durable-streams/client": "./dist/client.js",
      "react-durable-streams/idb": "./dist/idb.js",
    },
  },
  // One origin for the browser: /streams/* goes to the Durable Streams server.
  async rewrites() {
    return [{ source: "/streams/:path*", destination: `${STREAMS_URL}/streams/:path*` }];
  },
};

export default config;
