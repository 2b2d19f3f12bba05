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

export const gitlabCaBundleInput = z
  .string()
  .min(1, { error: "must not be empty; leave it out to trust the system's certificates." })
  .optional()
  .describe("PEM certificates to trust for this GitLab server (a private CA), in the connectivity test. Default: stack config gitlab:caBundle or GITLAB_CA_BUNDLE.");
