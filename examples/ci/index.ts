import * as pulumi from "@pulumi/pulumi";
import { enos, torque } from "pulumi-gitlab-sources";

// The stack the drift jobs beside this program watch: one resource of every kind, and a space
// repository in each of its connection modes.
const config = new pulumi.Config();
const gitlabUrl = config.require("gitlabUrl").replace(/\/*$/, "/");
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

// Through the repository provider.
const infra = new torque.SpaceRepository("infra", {
  space,
  repositoryName: "infra",
  repositoryUrl: `${gitlabUrl}platform/infra`,
  repositoryProvider: gitlab,
});

// With a token of its own.
const modelAssets = new torque.SpaceRepository("model-assets", {
  space,
  repositoryName: "model-assets",
  repositoryUrl: `${gitlabUrl}platform/ml/models`,
  token: gitlabToken,
});

// The token stored in the space's credential store.
const stored = new torque.GitCredential("gitlab-ci", { space, gitlabUrl, token: gitlabToken, description: "GitLab token of the space's repositories" });

// With the stored credential.
const infraStored = new torque.SpaceRepository("infra-stored", {
  space,
  repositoryName: "infra-stored",
  repositoryUrl: `${gitlabUrl}platform/infra`,
  credential: stored,
});

export const dataSourceId = models.dataSourceId;
export const repositoryProviderId = gitlab.providerId;
export const spaceRepositories = [infra, modelAssets, infraStored].map((r) => r.status);
