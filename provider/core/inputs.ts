import { z } from "zod";

/** How the preview-time connectivity test behaves: every resource with a GitLab token has it. */
export const preflightInput = z
  .enum(["strict", "warn", "off"], { error: 'must be "strict", "warn" or "off".' })
  .default("strict")
  .describe(
    'The connectivity test run by check (pulumi preview and up): "strict" fails on a problem, "warn" reports it in the log and goes on, "off" skips the network.',
  );

export function secretInput(what: string) {
  return z.string({ error: "must be a string." }).min(1, { error: "must not be empty; set it (as a secret)." }).describe(what);
}
