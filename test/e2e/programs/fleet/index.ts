import * as pulumi from "@pulumi/pulumi";
import { enos, torque } from "pulumi-gitlab-sources";

// A fleet of GitLab projects `fleet/svc-<i>`: one repository provider, and per project an EnOS
// data source and a space repository connected through the provider.
const config = new pulumi.Config();
const gitlabUrl = config.require("gitlabUrl").replace(/\/*$/, "/");
const token = config.requireSecret("gitlabToken");
const space = config.require("torqueSpace");
const count = config.requireNumber("count");
// Registrations to adopt (resource name -> id), as an error after a killed run advises.
const imports = config.getObject<Record<string, string>>("imports") ?? {};
const adopt = (name: string): pulumi.CustomResourceOptions => (imports[name] ? { import: imports[name] } : {});

const gitlab = new torque.RepositoryProvider("gitlab", { baseUrl: gitlabUrl, token }, adopt("gitlab"));

for (let i = 1; i <= count; i++) {
  const repositoryUrl = `${gitlabUrl}fleet/svc-${i}`;
  new enos.GitLabDataSource(`svc-${i}`, { name: `svc_${i}`, gitUrl: repositoryUrl, token }, adopt(`svc-${i}`));
  new torque.SpaceRepository(`svc-${i}-repo`, { space, repositoryName: `svc-${i}`, repositoryUrl, provider: gitlab }, adopt(`svc-${i}-repo`));
}
