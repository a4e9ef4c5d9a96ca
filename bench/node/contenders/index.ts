import { fetchContender } from "./fetch.js";
import { oursContender } from "./ours.js";
import { CONTENDERS, type Contender, type ContenderName } from "./types.js";
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
  return CONTENDERS.some((name) => name === value);
}
