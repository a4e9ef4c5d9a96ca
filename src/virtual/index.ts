/**
 * `react-durable-streams/virtual`: a virtualized list of a JSON stream's
 * messages, on `@tanstack/react-virtual` (an optional peer dependency:
 * install it to use this entry; apps that do not import it never load it).
 */
export { VirtualStreamList, type VirtualStreamListProps } from "./virtual-stream-list.js";
