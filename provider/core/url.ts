import { z } from "zod";
import { quoted, VISIBLE_ASCII } from "./inputs";

/** Why a string is not a plain http(s) URL of a server, or undefined when it is one. */
export function httpUrlProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an absolute http(s) URL such as https://gitlab.example.com/";
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return `must use http or https, not ${url.protocol.replace(":", "")}`;
  if (!url.hostname) return "must name a host";
  if (url.username || url.password) return "must not contain user info (user:password@); give credentials as token";
  if (url.search) return "must not have a query (?...)";
  if (url.hash || value.includes("#")) return "must not have a fragment (#...)";
  return undefined;
}

/** URLs go to servers as they are: ASCII, and of a length a server accepts. */
function asciiProblem(value: string): string | undefined {
  if (value.length > 2048) return `must be at most 2048 characters (got ${value.length})`;
  if (!VISIBLE_ASCII.test(value)) {
    return "must be ASCII without spaces or control characters: write an internationalised host name in its xn-- form and percent-encode other characters (%C3%A9 for é)";
  }
  return undefined;
}

/** The URL as given, but with any user info (often a pasted token) masked. */
function withoutUserInfo(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, "$1***@");
}

/** `scheme://host[:port]/path` with a lower-case scheme and host, no default port, no trailing slash. */
export function normalizeUrl(value: string): string {
  const url = new URL(value);
  const path = url.pathname.replace(/\/+$/, "");
  return `${url.protocol}//${url.host}${path}`;
}

/** A URL from a server, normalised as the inputs are so that equal URLs never differ; as given when it is not a URL (so the difference shows). */
export function sameUrl(value: string, trailingSlash = false): string {
  try {
    return normalizeUrl(value) + (trailingSlash ? "/" : "");
  } catch {
    return value;
  }
}

/** A server or repository URL input: validated, then normalised so equal URLs never differ. */
export function urlInput(shape: { trailingSlash: boolean; extraRule?: (url: URL) => string | undefined }) {
  return z
    .string()
    .superRefine((value, ctx) => {
      const problem = asciiProblem(value) ?? httpUrlProblem(value) ?? shape.extraRule?.(new URL(value));
      if (problem) ctx.addIssue({ code: "custom", message: `${problem} (got ${quoted(withoutUserInfo(value))}).` });
    })
    .transform((value) => normalizeUrl(value) + (shape.trailingSlash ? "/" : ""));
}

/** Whether `url` lies strictly below the server root `base` (both normalised). */
export function isUnder(url: string, base: string): boolean {
  const root = base.endsWith("/") ? base : `${base}/`;
  return url.startsWith(root) && url.length > root.length;
}
