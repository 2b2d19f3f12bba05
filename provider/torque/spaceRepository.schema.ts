import { z } from "zod";
import { gitlabCaBundleInput, nameInput, preflightInput, secretInput } from "../core/inputs";
import type { Args, ResourceSpec, State } from "../core/spec";
import { urlInput } from "../core/url";

const name = (what: string) =>
  nameInput({ max: 100, spaces: false })
    .regex(/^[^/?#]+$/, { error: "must not contain /, ? or #." })
    .describe(what);

export const spaceRepositorySpec = {
  token: "torque:SpaceRepository",
  description:
    "A GitLab repository connected to a Torque space as an asset repository: through a registered repository provider, with a token of its own, or with a stored credential.",
  inputs: z.object({
    space: name("Name of the Torque space."),
    repositoryName: name("Name of the repository in the space; unique in the space."),
    repositoryUrl: urlInput({ trailingSlash: false }).describe("URL of the GitLab repository, `http(s)://host[:port]/namespace/project`."),
    branch: nameInput({ max: 255, spaces: false }).default("main").describe("Branch Torque reads. Default: main."),
    token: secretInput("GitLab token of the repository itself (read_api and read_repository), when neither provider nor credentialName is given.").optional(),
    credentialName: name("A credential stored in the Torque space, used instead of a token.").optional(),
    providerId: z.string().min(1).optional().describe("Set by `provider`: the torque.RepositoryProvider whose base URL covers the repository."),
    providerBaseUrl: z.string().optional().describe("Set by `provider`: its baseUrl, to check at preview that the repository lies under it."),
    providerToken: secretInput("Set by `provider`: its GitLab token, used only by the preview-time connectivity test.").optional(),
    agents: z.array(nameInput({ max: 100 })).default([]).describe("Agents the space uses for this repository. Order does not matter."),
    useAllAgents: z.boolean().optional().describe("Use every agent of the space. Default: true when agents is empty."),
    eacAutoRegistration: z.boolean().default(false).describe("Let Torque register environment-as-code files it finds in the repository."),
    syncTimeoutSeconds: z.number().int().min(1).max(3600).default(120).describe("How long create waits for the repository to reach Connected. Default: 120."),
    preflight: preflightInput,
    gitlabCaBundle: gitlabCaBundleInput,
  }),
  computed: z.object({
    status: z.string().describe("Sync status in Torque: Syncing, Connected or Error."),
  }),
  replaceOnChanges: ["space", "repositoryName", "repositoryUrl", "branch", "token", "eacAutoRegistration"],
  uniqueBy: "repositoryName",
  localInputs: ["providerId", "providerBaseUrl", "providerToken", "syncTimeoutSeconds", "preflight", "gitlabCaBundle"],
  unordered: ["agents"],
  secrets: ["token", "providerToken"],
  references: {
    provider: {
      resource: "torque:RepositoryProvider",
      description: "The repository provider whose baseUrl covers repositoryUrl: the repository then needs no token of its own.",
      sets: { providerId: "providerId", providerBaseUrl: "baseUrl", providerToken: "token" },
    },
  },
} satisfies ResourceSpec;

export type SpaceRepositoryArgs = Args<typeof spaceRepositorySpec>;
export type SpaceRepositoryState = State<typeof spaceRepositorySpec>;
