import { z } from "zod";
import { nameInput, secretInput } from "../core/inputs";
import type { Args, ResourceSpec, State } from "../core/spec";
import { urlInput } from "../core/url";
import { localPreflightInputs } from "./inputs";

/** Every change goes through the designed update route: nothing replaces a provider. */
const IN_PLACE = "A change updates the provider in place (PUT, a route this package designed).";

export const repositoryProviderSpec = {
  token: "torque:RepositoryProvider",
  description:
    "A self-managed GitLab server registered with Torque as a repository provider (type gitLabEnterprise), so that repositories under its base URL connect to spaces without a token of their own. Torque documents only its create (POST /api/settings/repository_providers) and no longer documents this flow for GitLab; reading, updating and deleting it use routes this package designed, which a Torque server may lack (see Repository providers in docs/guides/torque.md). Torque now documents self-managed GitLab as an agent plus a token per repository or a stored credential (torque.GitCredential).",
  inputs: z.object({
    name: nameInput({ max: 100 }).describe(`Display name of the provider in Torque. ${IN_PLACE}`),
    baseUrl: urlInput({ trailingSlash: true }).describe(
      `URL of the GitLab server, \`scheme://host[:port][/relative-root]/\`; normalised to a lower-case scheme and host and one trailing slash. ${IN_PLACE}`,
    ),
    token: secretInput(`GitLab access token with scopes read_api (or api) and read_repository; Torque asks for one without an expiration date. ${IN_PLACE}`),
    repos: z
      .array(urlInput({ trailingSlash: false }), { error: "must be a list of repository URLs." })
      .default([])
      .describe(`Repository URLs to connect through this provider; each must lie under baseUrl. Order does not matter. ${IN_PLACE}`),
    ...localPreflightInputs,
  }),
  computed: z.object({
    providerId: z.string().describe("The GUID Torque gave the provider; the import id."),
    type: z.literal("gitLabEnterprise").describe("Torque's provider type: always gitLabEnterprise."),
  }),
  replaceOnChanges: [],
  autoName: "name",
  localInputs: ["preflight", "gitlabCaBundle"],
  unordered: ["repos"],
  secrets: ["token"],
} satisfies ResourceSpec;

export type RepositoryProviderArgs = Args<typeof repositoryProviderSpec>;
export type RepositoryProviderState = State<typeof repositoryProviderSpec>;
