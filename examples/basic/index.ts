import * as pulumi from "@pulumi/pulumi";
import { enos, torque } from "pulumi-gitlab-sources";

const config = new pulumi.Config();
// The GitLab server, with its relative URL root if it has one: https://gitlab.example.com/
const gitlabUrl = config.require("gitlabUrl").replace(/\/*$/, "/");
// One token with api, read_user and read_repository serves both platforms here.
const gitlabToken = config.requireSecret("gitlabToken");
const space = config.get("torqueSpace") ?? "platform";

const models = new enos.GitLabDataSource("models", {
  name: "model_repo",
  gitUrl: `${gitlabUrl}platform/ml/models`,
  token: gitlabToken,
  description: "models for line 3",
});

const gitlab = new torque.RepositoryProvider("gitlab", {
  baseUrl: gitlabUrl,
  token: gitlabToken,
  repos: [`${gitlabUrl}platform/infra`],
});

const infra = new torque.SpaceRepository("infra", {
  space,
  repositoryName: "infra",
  repositoryUrl: `${gitlabUrl}platform/infra`,
  branch: "main",
  repositoryProvider: gitlab,
});

// A token stored in the space's credential store: repositories use it by name, and rotating it updates it in place.
const ci = new torque.GitCredential("gitlab-ci", { space, gitlabUrl, token: gitlabToken, description: "GitLab token of the space's repositories" });

const modelsRepository = new torque.SpaceRepository("models-repository", {
  space,
  repositoryName: "models",
  repositoryUrl: `${gitlabUrl}platform/ml/models`,
  credential: ci,
});

export const dataSourceId = models.dataSourceId;
export const repositoryProviderId = gitlab.providerId;
export const infraStatus = infra.status;
export const modelsStatus = modelsRepository.status;
