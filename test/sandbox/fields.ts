/** Small checks for request bodies, shared by the Torque and EnOS emulators. */

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function unknownKeys(value: JsonObject, allowed: readonly string[]): string[] {
  return Object.keys(value).filter((key) => !allowed.includes(key));
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

/** The parsed URL when the text is an absolute http(s) URL without user info; otherwise undefined. */
export function parseHttpUrl(text: unknown): URL | undefined {
  if (typeof text !== "string") return undefined;
  try {
    const url = new URL(text);
    const httpScheme = url.protocol === "http:" || url.protocol === "https:";
    return httpScheme && !url.username && !url.password ? url : undefined;
  } catch {
    return undefined;
  }
}
