import { z } from "zod";
import { gitlabCaBundleInput, preflightInput, quoted, secretInput } from "../core/inputs";
import type { Args, ResourceSpec, State } from "../core/spec";
import { urlInput } from "../core/url";

export const gitLabDataSourceSpec = {
  token: "enos:GitLabDataSource",
  description:
    "A GitLab project registered in EnOS Data Source Registration (type GitLab), from which EnOS deploys and hosts algorithm models.",
  inputs: z.object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_]{1,50}$/, {
        error: (issue) => `must be 1 to 50 characters of a-z, A-Z, 0-9 and _ (got ${quoted(issue.input)}); EnOS cannot change it later.`,
      })
      .describe("Name of the data source: 1 to 50 characters of a-z, A-Z, 0-9 and _. EnOS cannot rename a data source: a change replaces it."),
    gitUrl: urlInput({
      trailingSlash: false,
      extraRule: (url) => {
        const segments = url.pathname.replace(/\/+$/, "").split("/").slice(1);
        if (segments.filter(Boolean).length < 2) return "must name a project: http(s)://host[:port]/namespace/project";
        return segments.includes("") ? "must not have an empty path segment (//): http(s)://host[:port]/namespace/project" : undefined;
      },
    }).describe("URL of the GitLab project, `http(s)://hostname[:port]/namespace/project` (nested groups allowed)."),
    token: secretInput("GitLab access token with scopes api, read_user and read_repository."),
    description: z
      .string()
      .max(100, { error: (issue) => `must be at most 100 characters (got ${(issue.input as string).length}).` })
      .default("")
      .describe("Description shown in the console, at most 100 characters."),
    preflight: preflightInput,
    gitlabCaBundle: gitlabCaBundleInput,
  }),
  computed: z.object({
    dataSourceId: z.string().describe("The id EnOS gave the data source; the import id."),
    type: z.literal("GITLAB").describe("EnOS data source type: always GITLAB."),
    createdAt: z.string().describe("When EnOS registered the data source (ISO 8601)."),
  }),
  replaceOnChanges: ["name"],
  uniqueBy: "name",
  localInputs: ["preflight", "gitlabCaBundle"],
  secrets: ["token"],
} satisfies ResourceSpec;

export type GitLabDataSourceArgs = Args<typeof gitLabDataSourceSpec>;
export type GitLabDataSourceState = State<typeof gitLabDataSourceSpec>;
