// Everything the React entry exports, kept alive: the ceiling of what it can cost.
import * as all from "react-durable-streams";

console.log(all);
