import { z } from "zod";

/** How the preview-time connectivity test behaves: every resource with a GitLab token has it. */
export const preflightInput = z
  .enum(["strict", "warn", "off"], { error: 'must be "strict", "warn" or "off".' })
  .default("strict")
  .describe(
    'The connectivity test run by check (pulumi preview and up): "strict" fails on a problem, "warn" reports it in the log and goes on, "off" skips the network.',
  );

/** What a header, a URL or an API name may hold: printable ASCII (with or without spaces). */
export const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
export const VISIBLE_ASCII = /^[\x21-\x7e]*$/;

const tooLong = (max: number) => ({ error: (issue: { input?: unknown }) => `must be at most ${max} characters (got ${String(issue.input).length}).` });

/** A name the API keeps: ASCII only, so it cannot break a header, a path or a console. */
export function nameInput({ max, spaces = true }: { max: number; spaces?: boolean }) {
  return z
    .string({ error: "must be a string." })
    .min(1, { error: "must not be empty." })
    .max(max, tooLong(max))
    .regex(spaces ? PRINTABLE_ASCII : VISIBLE_ASCII, {
      error: `must be printable ASCII${spaces ? "" : " without spaces"}: no line breaks, tabs or other control characters, no letters outside a-z and A-Z; rename it.`,
    });
}

/** A credential: never echoed in a message, and checked before it can reach an HTTP header. */
export function secretInput(what: string) {
  return z
    .string({ error: "must be a string." })
    .min(1, { error: "must not be empty; set it (as a secret)." })
    .max(1024, { error: "must be at most 1024 characters; check that the token alone was set." })
    .regex(VISIBLE_ASCII, {
      error: "must be printable ASCII without spaces or line breaks (a token read from a file often ends with a newline); set it again without them.",
    })
    .describe(what);
}

export const gitlabCaBundleInput = z
  .string()
  .min(1, { error: "must not be empty; leave it out to trust the system's certificates." })
  .max(65_536, { error: "must be at most 64 KB: give only the private CA's certificates (the system's are trusted already)." })
  .refine((pem) => pem.includes("-----BEGIN CERTIFICATE-----"), { error: "must hold PEM certificates (-----BEGIN CERTIFICATE----- ...)." })
  .optional()
  .describe("PEM certificates to trust for this GitLab server (a private CA), in the connectivity test. Default: the provider setting gitlabCaBundle (stack config gitlab-sources:gitlabCaBundle) or GITLAB_CA_BUNDLE.");

/** A value quoted for a message (a string in quotes, anything else as JSON): short enough to read, whatever it was. */
export function quoted(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const short = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return typeof value === "string" ? JSON.stringify(short) : short;
}
