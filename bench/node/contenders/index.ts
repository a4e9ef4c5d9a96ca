import { fetchContender } from "./fetch.js";
import { oursContender } from "./ours.js";
import type { Contender, ContenderName } from "./types.js";
import { upstreamContender } from "./upstream.js";

export function makeContender(name: ContenderName): Contender {
  switch (name) {
    case "ours":
      return oursContender();
    case "upstream":
      return upstreamContender();
    case "fetch":
      return fetchContender();
  }
}

export function isContenderName(value: string | undefined): value is ContenderName {
  return value === "ours" || value === "upstream" || value === "fetch";
}
