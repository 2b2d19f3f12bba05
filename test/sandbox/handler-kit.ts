/** The request and response model and the building blocks the emulators' handlers share. */
import type { IncomingHttpHeaders } from "node:http";

export interface SandboxRequest {
  method: string;
  /** The pathname exactly as sent (still percent-encoded). */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The body exactly as received, decoded as UTF-8. */
  body: string;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export const JSON_TYPE = "application/json; charset=utf-8";

export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): SandboxResponse {
  return { status, headers: { "Content-Type": JSON_TYPE, ...headers }, body: JSON.stringify(value) };
}

export function textResponse(
  status: number,
  body: string,
  contentType = "text/plain; charset=utf-8",
  headers: Record<string, string> = {},
): SandboxResponse {
  return { status, headers: { "Content-Type": contentType, ...headers }, body };
}

/** The token of an "Authorization: Bearer <token>" header. */
export function bearerToken(request: SandboxRequest): string | undefined {
  return /^Bearer (.+)$/i.exec(request.headers.authorization ?? "")?.[1];
}

/** The parsed value, or undefined when the text is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** For admin methods: the stored record, or a thrown error naming what is missing. */
export function requireEntry<K, V>(map: Map<K, V>, key: K, what: string): V {
  const value = map.get(key);
  if (value === undefined) throw new Error(`sandbox: no ${what} ${String(key)}`);
  return value;
}

export interface Route<H> {
  method: string;
  /** Matched against the raw pathname; capture groups become the (decoded) params. */
  pattern: RegExp;
  handler: H;
}

export type RouteMatch<H> = { handler: H; params: string[] } | { miss: 404 | 405 };

export function matchRoute<H>(routes: Route<H>[], method: string, path: string): RouteMatch<H> {
  let pathKnown = false;
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (!match) continue;
    pathKnown = true;
    if (route.method !== method) continue;
    try {
      return { handler: route.handler, params: match.slice(1).map(decodeURIComponent) };
    } catch {
      return { miss: 404 }; // malformed percent-encoding
    }
  }
  return { miss: pathKnown ? 405 : 404 };
}
