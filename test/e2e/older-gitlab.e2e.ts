import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startGitLab, type GitLabServer } from "../sandbox";
import { expectFailure, Project } from "./cli";
import { resetLogs, useE2eSandbox, writes } from "./sandbox";

/**
 * A self-managed GitLab older than 15.5 (no /personal_access_tokens/self) under the real CLI,
 * through the plugin: preview checks what such a server offers (/version, /user, /projects/:id),
 * says which checks could not run and why, and strict mode still fails a missing project.
 */
const fx = useE2eSandbox();
let old: GitLabServer;
let project: Project;

const PROGRAM = `name: older-gitlab
runtime: yaml
config:
  gitlabUrl:
    type: string
  gitlabToken:
    type: string
    secret: true
  infraPath:
    type: string
    default: platform/infra
resources:
  credential:
    type: gitlab-sources:torque:GitCredential
    properties:
      space: platform
      name: old-gitlab
      gitlabUrl: \${gitlabUrl}
      token: \${gitlabToken}
  provider:
    type: gitlab-sources:torque:RepositoryProvider
    properties:
      name: old-gitlab
      baseUrl: \${gitlabUrl}
      token: \${gitlabToken}
      repos:
        - \${gitlabUrl}\${infraPath}
`;

beforeAll(async () => {
  old = await startGitLab({ version: "15.4.2" });
  old.addToken({ token: fx.demo.gitlabToken, name: "pulumi-demo", scopes: ["api", "read_user", "read_repository"], userId: 1 });
  for (const p of fx.demo.gitlabProjects) old.addProject({ path: p, visibility: "private", members: [1] });
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "older-gitlab-"));
  fs.writeFileSync(path.join(folder, "Pulumi.yaml"), PROGRAM);
  project = Project.copy(folder, "older-gitlab");
  fs.rmSync(folder, { recursive: true });
  await project.installPlugin();
  const provider = fx.packageConfig();
  await project.init({ ...provider.plain, gitlabUrl: `${old.url}/` }, { ...provider.secret, gitlabToken: fx.demo.gitlabToken });
});

afterAll(() => old?.close());

const WARNING = /GitLab at 127\.0\.0\.1:\d+ is version 15\.4\.2, older than 15\.5, which has no \/personal_access_tokens\/self: the token's scopes \(scopes read_api, read_repository needed\) and its expiry could not be checked/;

test("preview and up succeed on what the server offers, saying which checks could not run; the stack ends clean", async () => {
  resetLogs(fx.sandbox);
  const preview = await project.ok("preview");
  expect(preview.output).toMatch(WARNING);
  expect(writes(fx.sandbox)).toEqual([]);
  expect(old.requests.map((r) => r.path)).toEqual(expect.arrayContaining(["/api/v4/personal_access_tokens/self", "/api/v4/version", "/api/v4/user", "/api/v4/projects/platform%2Finfra"]));

  await project.ok("up --yes");
  expect(fx.sandbox.torque.providers().map((p) => p.name)).toEqual(["old-gitlab"]);
  expect(fx.sandbox.torque.credentials("platform").map((c) => c.name)).toContain("old-gitlab");
  await project.ok("preview --refresh --expect-no-changes");
});

test("strict mode still fails a project the old server does not show, naming the property, and writes nothing", async () => {
  await project.setConfig({ infraPath: "nobody/missing" });
  resetLogs(fx.sandbox);
  const preview = await project.run("preview");
  expectFailure(preview);
  expect(preview.output).toMatch(/repos\[0\]: project nobody\/missing is missing on 127\.0\.0\.1:\d+ or not visible to this token/);
  expect(writes(fx.sandbox)).toEqual([]);
  await project.setConfig({ infraPath: "platform/infra" });
  await project.ok("destroy --yes");
});
