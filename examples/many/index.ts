import * as pulumi from "@pulumi/pulumi";
import { enos, torque } from "pulumi-gitlab-sources";

interface Source {
  /** GitLab project path, `group/subgroup/project`. */
  project: string;
  /** Register it with EnOS as a data source. */
  enos?: boolean;
  /** Connect it to this Torque space. */
  space?: string;
}

const config = new pulumi.Config();
const gitlabUrl = config.require("gitlabUrl").replace(/\/*$/, "/");
const gitlabToken = config.requireSecret("gitlabToken");
const sources = config.requireObject<Source[]>("sources");

const gitlab = new torque.RepositoryProvider("gitlab", { baseUrl: gitlabUrl, token: gitlabToken });

// Names must be stable: a source keeps its resources as long as its project path is unchanged.
const key = (project: string) => project.replace(/[^A-Za-z0-9]+/g, "_");

export const dataSources = sources
  .filter((s) => s.enos)
  .map((s) => new enos.GitLabDataSource(key(s.project), { name: key(s.project), gitUrl: `${gitlabUrl}${s.project}`, token: gitlabToken }).dataSourceId);

export const spaceRepositories = sources
  .filter((s) => s.space)
  .map((s) => {
    const repositoryName = s.project.split("/").pop()!;
    return new torque.SpaceRepository(`${s.space}-${key(s.project)}`, {
      space: s.space!,
      repositoryName,
      repositoryUrl: `${gitlabUrl}${s.project}`,
      repositoryProvider: gitlab,
    }).status;
  });
