import * as pulumi from "@pulumi/pulumi";
import { enos, torque } from "pulumi-gitlab-sources";

// One resource of every kind adopted with the `import` resource option: registrations made by
// hand, whose ids come from config. With `differ: <resource name>`, the program declares other
// values for that resource than the server holds, and its import must fail naming them.
const config = new pulumi.Config();
const gitlabUrl = config.require("gitlabUrl").replace(/\/*$/, "/");
const token = config.requireSecret("gitlabToken");
const space = config.require("torqueSpace");
const ids = config.requireObject<Record<string, string>>("imports");
const differs = (name: string) => config.get("differ") === name;

new enos.GitLabDataSource(
  "models",
  {
    name: "hand_made",
    gitUrl: `${gitlabUrl}${differs("models") ? "platform/infra" : "platform/ml/models"}`,
    token,
    description: differs("models") ? "declared otherwise" : "registered by hand",
  },
  { import: ids.models },
);

new torque.RepositoryProvider(
  "gitlab",
  { name: differs("gitlab") ? "declared-otherwise" : "hand-made", baseUrl: gitlabUrl, token, repos: differs("gitlab") ? [] : [`${gitlabUrl}platform/infra`] },
  { import: ids.gitlab },
);

new torque.SpaceRepository(
  "infra",
  {
    space,
    repositoryName: "hand-made",
    repositoryUrl: `${gitlabUrl}platform/infra`,
    branch: differs("infra") ? "develop" : "main",
    credentialName: "gitlab-demo-credential",
    agents: differs("infra") ? ["sandbox-agent"] : [],
  },
  { import: ids.infra },
);

new torque.GitCredential(
  "ci",
  { space, name: "hand-made", gitlabUrl, token, description: differs("ci") ? "declared otherwise" : "stored by hand" },
  { import: ids.ci },
);
