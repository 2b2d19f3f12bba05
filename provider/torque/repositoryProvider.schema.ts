import { z } from "zod";
import { gitlabCaBundleInput, nameInput, preflightInput, secretInput } from "../core/inputs";
import type { Args, ResourceSpec, State } from "../core/spec";
import { urlInput } from "../core/url";

export const repositoryProviderSpec = {
  token: "torque:RepositoryProvider",
  description:
    "A self-managed GitLab server registered with Torque as a repository provider (type gitLabEnterprise), so that repositories under its base URL connect to spaces without a token of their own.",
  inputs: z.object({
    name: nameInput({ max: 100 }).describe("Display name of the provider in Torque."),
    baseUrl: urlInput({ trailingSlash: true }).describe(
      "URL of the GitLab server, `scheme://host[:port][/relative-root]/`; normalised to a lower-case scheme and host and one trailing slash.",
    ),
    token: secretInput("GitLab access token with scopes read_api (or api) and read_repository; Torque asks for one without an expiration date."),
    repos: z
      .array(urlInput({ trailingSlash: false }), { error: "must be a list of repository URLs." })
      .default([])
      .describe("Repository URLs to connect through this provider; each must lie under baseUrl. Order does not matter."),
    preflight: preflightInput,
    gitlabCaBundle: gitlabCaBundleInput,
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
