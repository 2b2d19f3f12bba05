import { z } from "zod";
import { secretInput } from "../core/inputs";
import type { Args, ResourceSpec, State } from "../core/spec";
import { urlInput } from "../core/url";
import { localPreflightInputs, torqueName } from "./inputs";

export const gitCredentialSpec = {
  token: "torque:GitCredential",
  description:
    "A GitLab access token stored in a Torque space's credential store (type gitlabEnterprise), which space repositories of that space use by name: rotating the token here rotates it for all of them, in place.",
  inputs: z.object({
    space: torqueName(
      "Name of the Torque space whose credential store holds the credential. A change replaces it: a credential belongs to one space (the new one is created before the old one is deleted).",
    ),
    name: torqueName(
      "Name of the credential, unique in the space; repositories refer to it by this name. A change replaces it: Torque cannot rename a credential (the new one is created before the old one is deleted).",
    ),
    description: z
      .string({ error: "must be a string." })
      .max(255, { error: (issue) => `must be at most 255 characters (got ${String(issue.input).length}).` })
      .default("")
      .describe("Description shown in Torque. A change updates the credential in place."),
    token: secretInput(
      "GitLab access token with scopes read_api (or api) and read_repository; Torque asks for one without an expiration date. A change updates the stored credential in place (token rotation): repositories that use it stay connected.",
    ),
    gitlabUrl: urlInput({ trailingSlash: true }).describe(
      "URL of the GitLab server the token belongs to, `scheme://host[:port][/relative-root]/`. Torque does not store it: the preview-time test checks the token there, and repositories that use the credential must lie under it. Steers this provider only: a change changes nothing in Torque.",
    ),
    ...localPreflightInputs,
  }),
  computed: z.object({
    type: z.literal("gitlabEnterprise").describe("Torque's credential type (cloud_identifier and credential_data.type): always gitlabEnterprise."),
  }),
  replaceOnChanges: ["space", "name"],
  autoName: "name",
  uniqueBy: ["space", "name"],
  localInputs: ["gitlabUrl", "preflight", "gitlabCaBundle"],
  secrets: ["token"],
} satisfies ResourceSpec;

export type GitCredentialArgs = Args<typeof gitCredentialSpec>;
export type GitCredentialState = State<typeof gitCredentialSpec>;
