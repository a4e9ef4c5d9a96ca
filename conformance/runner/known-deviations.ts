/**
 * Cases that cannot pass strictly against the reference server as the YAML is
 * written, whatever the adapter does. They still run; their outcome is
 * reported and counted apart as "known deviations", never as passes (nor as
 * failures).
 *
 * Add an entry only after checking the YAML and the server code
 * (node_modules/@durable-streams/server/dist/index.js, 0.3.7) and showing
 * that no correct adapter can make the case pass.
 */
export const KNOWN_DEVIATIONS: ReadonlyMap<string, string> = new Map<string, string>([
  [
    // consumer/offset-resumption.yaml
    "offset-zero-start",
    'reads with offset "0", which the server rejects with 400 "Invalid offset format" ' +
      "(handleRead accepts only /^(-1|now|\\d+_\\d+)$/), yet the step expects data; a correct " +
      "adapter must report that 400 as INVALID_OFFSET (read-invalid-offset requires it)",
  ],
  [
    // consumer/error-handling.yaml
    "read-future-offset",
    'reads with offset "ffffffffffffffff", which the server rejects with 400 "Invalid offset ' +
      'format" (same regex), yet the step expects a successful read with chunkCount 0',
  ],
  [
    // consumer/read-sse-base64.yaml
    "sse-base64-empty-payload",
    'its setup appends an empty body (binaryData: ""), which the server rejects with 400 ' +
      '"Empty body" (handleAppend), so the setup step fails; append-empty requires an adapter ' +
      "to report exactly that 400",
  ],
]);
