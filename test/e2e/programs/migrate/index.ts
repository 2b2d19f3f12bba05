import * as pulumi from "@pulumi/pulumi";
import { enos, plugin, torque } from "pulumi-gitlab-sources";

// One resource of every kind, as dynamic resources (`mode: dynamic`) or served by the plugin
// (`mode: plugin`): the move docs/guides/migrate-to-plugin.md describes. The same names
// and arguments; only the classes differ.
const config = new pulumi.Config();
const gitlabUrl = config.require("gitlabUrl").replace(/\/*$/, "/");
const token = config.requireSecret("gitlabToken");
const space = config.require("torqueSpace");
const kinds = config.require("mode") === "plugin" ? plugin : { enos, torque };

new kinds.enos.GitLabDataSource("models", { name: "migrated_models", gitUrl: `${gitlabUrl}platform/ml/models`, token, description: "models" });
const gitlab = new kinds.torque.RepositoryProvider("gitlab", { name: "migrated-gitlab", baseUrl: gitlabUrl, token });
const credential = new kinds.torque.GitCredential("ci", { space, name: "migrated-ci", gitlabUrl, token });
new kinds.torque.SpaceRepository("infra", { space, repositoryName: "migrated-infra", repositoryUrl: `${gitlabUrl}platform/infra`, credential } as never);
new kinds.torque.SpaceRepository("models-repo", { space, repositoryName: "migrated-models", repositoryUrl: `${gitlabUrl}platform/ml/models`, repositoryProvider: gitlab } as never);

// After the move: an explicit provider for another account (here the same servers, from config).
if (config.getBoolean("explicit")) {
  const west = new plugin.Provider("west", {
    torqueUrl: config.require("westTorqueUrl"),
    torqueToken: config.requireSecret("westTorqueToken"),
    torqueTimeoutSeconds: 20,
  });
  new plugin.torque.GitCredential("west-ci", { space, name: "west-ci", gitlabUrl, token, description: "through an explicit provider" }, { provider: west });
}
