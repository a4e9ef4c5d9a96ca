import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

// `npm run bench:node` cannot pass --expose-gc, so enable it at run time: a
// full collection before each measured operation keeps one contender's
// garbage from being collected on the next one's clock.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

export function collectGarbage(): void {
  gc();
}
