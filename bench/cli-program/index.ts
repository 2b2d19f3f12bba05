import * as pulumi from "@pulumi/pulumi";
import { enos, torque } from "pulumi-gitlab-sources";

// The benchmark's stack (the same as bench/run.ts declares through the harness): N of each
// kind, sharing a few GitLab tokens, project i behind data source i and space repository i.
const config = new pulumi.Config();
const n = config.requireNumber("n");
const root = config.require("gitlabUrl");
const space = config.require("space");
const tokens = config.requireSecretObject<string[]>("gitlabTokens");

for (let i = 0; i < n; i++) {
  const token = tokens.apply((t) => t[i % t.length]);
  const project = `${root}/bench/project-${i}`;
  new enos.GitLabDataSource(`ds${i}`, { name: `ds_${i}`, gitUrl: project, token, description: "bench " });
  new torque.RepositoryProvider(`provider${i}`, { name: `provider-${i}`, baseUrl: `${root}/`, token });
  new torque.SpaceRepository(`repo${i}`, { space, repositoryName: `repo-${i}`, repositoryUrl: project, token, agents: [] });
}
