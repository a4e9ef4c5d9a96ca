/** The media type without parameters, lower-cased: `Application/JSON; charset=utf-8` → `application/json`. */
export function normalizeContentType(contentType: string | null | undefined): string | undefined {
  if (!contentType) return undefined;
  const bare = contentType.split(";", 1)[0]!.trim().toLowerCase();
  return bare === "" ? undefined : bare;
}

/** JSON mode (message boundaries, array flattening) applies to `application/json` only. */
export function isJsonContentType(contentType: string | null | undefined): boolean {
  return normalizeContentType(contentType) === "application/json";
}
