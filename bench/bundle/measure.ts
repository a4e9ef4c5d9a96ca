/** Bytes a browser downloads: the minified code as is, and gzipped at level 9. */
import { gzipSync } from "node:zlib";

export interface Size {
  minBytes: number;
  gzipBytes: number;
}

/** Sizes of the JavaScript files of one bundle; each file is gzipped on its own, as served. */
export function sizeOf(files: readonly string[]): Size {
  let minBytes = 0;
  let gzipBytes = 0;
  for (const code of files) {
    const bytes = Buffer.from(code, "utf8");
    minBytes += bytes.byteLength;
    gzipBytes += gzipSync(bytes, { level: 9 }).byteLength;
  }
  return { minBytes, gzipBytes };
}
