import * as pulumi from "@pulumi/pulumi";
import { enos, torque } from "pulumi-gitlab-sources";

// One resource of every kind adopted with the `import` resource option: registrations made by
// hand, whose ids come from config. With `differ`, the program declares other values than the
// servers hold, and the import must fail naming them.
const config = new pulumi.Config();
const gitlabUrl = config.require("gitlabUrl").replace(/\/*$/, "/");
const token = config.requireSecret("gitlabToken");
const space = config.require("torqueSpace");
const ids = config.requireObject<Record<string, string>>("imports");
const differ = config.getBoolean("differ") ?? false;

new enos.GitLabDataSource(
  "models",
  {
    name: "hand_made",
    gitUrl: `${gitlabUrl}${differ ? "platform/infra" : "platform/ml/models"}`,
    token,
    description: differ ? "declared otherwise" : "registered by hand",
  },
  { import: ids.models },
);

new torque.RepositoryProvider(
  "gitlab",
  { name: differ ? "declared-otherwise" : "hand-made", baseUrl: gitlabUrl, token, repos: differ ? [] : [`${gitlabUrl}platform/infra`] },
  { import: ids.gitlab },
);

new torque.SpaceRepository(
  "infra",
  {
    space,
    repositoryName: "hand-made",
    repositoryUrl: `${gitlabUrl}platform/infra`,
    branch: differ ? "develop" : "main",
    credentialName: "gitlab-demo-credential",
    agents: differ ? ["sandbox-agent"] : [],
  },
  { import: ids.infra },
);
