import * as pulumi from "@pulumi/pulumi";
import { enos, torque } from "pulumi-gitlab-sources";

// A GitLab token in every resource kind that takes one: from config (a secret), or, when the
// config has none, as a plain string from the environment.
const config = new pulumi.Config();
const gitlabUrl = config.require("gitlabUrl").replace(/\/*$/, "/");
const token: pulumi.Input<string> = config.getSecret("gitlabToken") ?? process.env.GITLAB_TOKEN!;
const space = config.require("torqueSpace");

new enos.GitLabDataSource("models", { name: "model_repo", gitUrl: `${gitlabUrl}platform/ml/models`, token, description: "models for line 3" });

const gitlab = new torque.RepositoryProvider("gitlab", { baseUrl: gitlabUrl, token, repos: [`${gitlabUrl}platform/infra`] });

new torque.SpaceRepository("infra", { space, repositoryName: "infra", repositoryUrl: `${gitlabUrl}platform/infra`, provider: gitlab });

new torque.SpaceRepository("model-assets", { space, repositoryName: "model-assets", repositoryUrl: `${gitlabUrl}platform/ml/models`, token });

const stored = new torque.GitCredential("gitlab-ci", { space, gitlabUrl, token, description: "stored GitLab token" });

new torque.SpaceRepository("infra-stored", { space, repositoryName: "infra-stored", repositoryUrl: `${gitlabUrl}platform/infra`, credential: stored });
