import { z } from "zod";
import { nameInput, secretInput } from "../core/inputs";
import type { Args, ResourceSpec, State } from "../core/spec";
import { urlInput } from "../core/url";
import { localPreflightInputs, parseSpaceScopedId, torqueName } from "./inputs";

const REPLACED_FIRST =
  "A change replaces the repository, removing the old one first (Torque's update changes only the credential and the agents, and the name stays taken until then).";
const CREATED_FIRST = "A change replaces the repository: Torque cannot rename it or move it (the new one is connected before the old one is removed).";
const IN_PLACE = "A change updates the repository in place.";

export const spaceRepositorySpec = {
  token: "torque:SpaceRepository",
  description:
    "A GitLab repository connected to a Torque space as an asset repository: with a credential stored in the space (torque.GitCredential), with a token of its own, or through a registered repository provider.",
  inputs: z.object({
    space: torqueName(`Name of the Torque space. ${CREATED_FIRST}`),
    repositoryName: torqueName(`Name of the repository in the space; unique in the space. ${CREATED_FIRST}`),
    repositoryUrl: urlInput({ trailingSlash: false }).describe(`URL of the GitLab repository, \`http(s)://host[:port]/namespace/project\`. ${REPLACED_FIRST}`),
    branch: nameInput({ max: 255, spaces: false }).default("main").describe(`Branch Torque reads. Default: main. ${REPLACED_FIRST}`),
    token: secretInput(
      "GitLab token of the repository itself (read_api and read_repository); Torque stores it as the space credential named credentialName. A change rotates that stored credential in place: the repository stays connected.",
    ).optional(),
    credentialName: torqueName(
      `With token: the name of the credential Torque stores the token under, unique in the space (default: \`<repositoryName>-token\`). Without: a credential already in the space's store. Prefer the credential argument for one this stack manages. ${IN_PLACE}`,
    ).optional(),
    storedCredentialName: z.string().min(1).optional().describe("Set by `credential`: the torque.GitCredential's name, sent as credentialName."),
    storedCredentialSpace: z.string().optional().describe("Set by `credential`: its space, which must be the repository's."),
    storedCredentialToken: secretInput("Set by `credential`: its GitLab token, used only by the preview-time connectivity test.").optional(),
    storedCredentialGitlabUrl: z.string().optional().describe("Set by `credential`: its gitlabUrl, to check at preview that the repository lies under it."),
    providerId: z.string().min(1).optional().describe("Set by `repositoryProvider`: the torque.RepositoryProvider whose base URL covers the repository."),
    providerBaseUrl: z.string().optional().describe("Set by `repositoryProvider`: its baseUrl, to check at preview that the repository lies under it."),
    providerToken: secretInput("Set by `repositoryProvider`: its GitLab token, used only by the preview-time connectivity test.").optional(),
    agents: z.array(nameInput({ max: 100 })).default([]).describe(`Agents the space uses for this repository. Order does not matter. ${IN_PLACE}`),
    useAllAgents: z.boolean().optional().describe(`Use every agent of the space. Default: true when agents is empty. ${IN_PLACE}`),
    eacAutoRegistration: z.boolean().default(false).describe(`Let Torque register environment-as-code files it finds in the repository. ${REPLACED_FIRST}`),
    syncTimeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .default(120)
      .describe("How long create (and an update of a repository that is not Connected) waits for the sync to end. Default: 120. Steers this provider only: a change changes nothing in Torque."),
    ...localPreflightInputs,
  }),
  computed: z.object({
    status: z.string().describe("Sync status in Torque: Syncing while it syncs, then Connected, or another status Torque reports (such as Error)."),
  }),
  internal: z.object({
    ownedCredential: z.string().describe("The credential Torque stores for the repository's own token, deleted with it; empty when it uses another's."),
  }),
  replaceOnChanges: ["space", "repositoryName", "repositoryUrl", "branch", "eacAutoRegistration"],
  uniqueBy: ["space", "repositoryName"],
  localInputs: [
    "storedCredentialName",
    "storedCredentialSpace",
    "storedCredentialToken",
    "storedCredentialGitlabUrl",
    "providerId",
    "providerBaseUrl",
    "providerToken",
    "syncTimeoutSeconds",
    "preflight",
    "gitlabCaBundle",
  ],
  unordered: ["agents"],
  secrets: ["token", "storedCredentialToken", "providerToken"],
  references: {
    credential: {
      resource: "torque:GitCredential",
      description: `A torque.GitCredential of the same space: the repository connects with it (its name is sent as credentialName), and preview tests its token against repositoryUrl. Rotating its token rotates it in place; the repository stays connected. Switching to another credential updates the repository in place.`,
      sets: { storedCredentialName: "name", storedCredentialSpace: "space", storedCredentialToken: "token", storedCredentialGitlabUrl: "gitlabUrl" },
      fromId: (id) => {
        const { space, name } = parseSpaceScopedId(id, "git credential");
        return { storedCredentialSpace: space, storedCredentialName: name };
      },
    },
    repositoryProvider: {
      resource: "torque:RepositoryProvider",
      description: `The repository provider whose baseUrl covers repositoryUrl: the repository then needs no token of its own (Torque no longer documents this flow for GitLab, see Repository providers in docs/guides/torque.md). ${IN_PLACE}`,
      sets: { providerId: "providerId", providerBaseUrl: "baseUrl", providerToken: "token" },
      fromId: (id) => ({ providerId: id }),
    },
  },
} satisfies ResourceSpec;

export type SpaceRepositoryArgs = Args<typeof spaceRepositorySpec>;
export type SpaceRepositoryState = State<typeof spaceRepositorySpec>;
