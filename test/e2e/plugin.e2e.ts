import * as fs from "node:fs";
import * as path from "node:path";
import type { DemoValues, Sandbox } from "../sandbox";
import { expectFailure, Project } from "./cli";
import { providerSettings, resetLogs, secondAccount, useE2eSandbox, writes } from "./sandbox";

/**
 * The provider plugin under the real CLI, installed from its release tarball as a user without
 * npm installs it, with examples/yaml-accounts: the default provider and two explicit ones, for two
 * Torque accounts and two EnOS organizations (two Torque and two EnOS servers with credentials
 * of their own: accountA and the default provider use the first, accountB the second; GitLab
 * is shared, as a company's GitLab is).
 */
const fx = useE2eSandbox();
let second: { sandbox: Sandbox; demo: DemoValues };
let project: Project;

beforeAll(async () => {
  second = await secondAccount(fx);
  project = Project.copy(path.join(__dirname, "..", "..", "examples", "yaml-accounts"), "yaml-accounts");
  await project.installPlugin();
  const defaults = providerSettings((name) => `gitlab-sources:${name}`, first());
  const a = providerSettings((name) => `accountA${name[0].toUpperCase()}${name.slice(1)}`, first());
  const b = providerSettings((name) => `accountB${name[0].toUpperCase()}${name.slice(1)}`, second);
  const program = fx.programConfig();
  await project.init({ ...defaults.plain, ...a.plain, ...b.plain, ...program.plain }, { ...defaults.secret, ...a.secret, ...b.secret, ...program.secret });
});

afterAll(() => second?.sandbox.close());

/** The registrations a sandbox holds, by kind: the names this stack gave them. */
function registrations({ sandbox, demo }: { sandbox: Sandbox; demo: DemoValues }) {
  return {
    providers: sandbox.torque.providers().map((p) => p.name).sort(),
    credentials: sandbox.torque.credentials(demo.torqueSpace).map((c) => c.name).filter((n) => n !== "gitlab-demo-credential").sort(),
    repositories: sandbox.torque.spaceRepositories(demo.torqueSpace).map((r) => r.name).sort(),
    dataSources: sandbox.enos.dataSources().map((d) => d.name).sort(),
  };
}

const first = () => ({ sandbox: fx.sandbox, demo: fx.demo });
const allSecrets = () => [...fx.secrets(), second.demo.torqueToken, second.demo.enosAppSecret];

test("up registers each resource in its own provider's account; preview and refresh then find nothing to do", async () => {
  await project.ok("up --yes");
  expect(registrations(first())).toEqual({
    providers: ["shared-gitlab"],
    credentials: ["team-a-gitlab"],
    repositories: ["team-a-models"],
    dataSources: ["shared_models", "team_a_models"],
  });
  expect(registrations(second)).toEqual({ providers: [], credentials: ["team-b-gitlab"], repositories: ["team-b-models"], dataSources: ["team_b_models"] });

  resetLogs(fx.sandbox);
  resetLogs(second.sandbox);
  await project.ok("preview --expect-no-changes");
  await project.ok("refresh --yes --expect-no-changes");
  expect([...writes(fx.sandbox), ...writes(second.sandbox)]).toEqual([]);
});

test("the state holds no secret and no serialized code: resources are the plugin's types", async () => {
  const { text, deployment } = await project.exportState();
  const stored = [text, ...project.backendFiles()];
  expect(allSecrets().filter((s) => stored.some((f) => f.includes(s)))).toEqual([]);
  expect(text).not.toContain("__provider");
  const types = new Set((deployment.resources ?? []).map((r) => r.type));
  expect([...types].sort()).toEqual([
    "gitlab-sources:enos:GitLabDataSource",
    "gitlab-sources:torque:GitCredential",
    "gitlab-sources:torque:RepositoryProvider",
    "gitlab-sources:torque:SpaceRepository",
    "pulumi:providers:gitlab-sources",
    "pulumi:pulumi:Stack",
  ]);
  const printed = project.transcript.map((r) => r.output).join("\n");
  expect(allSecrets().filter((s) => printed.includes(s))).toEqual([]);
});

test("drift in the second account fails the drift job naming the resource; up --refresh repairs it", async () => {
  const gone = second.sandbox.enos.dataSources().find((d) => d.name === "team_b_models")!;
  second.sandbox.enos.removeDataSource(gone.dataSourceId);

  const drift = await project.run("preview --refresh --expect-no-changes");
  expectFailure(drift);
  expect(drift.output).toMatch(/\+\s+gitlab-sources:enos:GitLabDataSource accountBDataSource create/);

  await project.ok("up --refresh --yes");
  expect(registrations(second).dataSources).toEqual(["team_b_models"]);
  expect(registrations(first()).dataSources).toEqual(["shared_models", "team_a_models"]);
  await project.ok("preview --refresh --expect-no-changes");
});

test("a GitLab token that GitLab refuses fails preview, naming the property, and nothing is written", async () => {
  resetLogs(fx.sandbox);
  resetLogs(second.sandbox);
  await project.setConfig({}, { gitlabToken: "glpat-revoked-token-0000" });
  try {
    const refused = await project.run("preview");
    expectFailure(refused);
    // A changed token is checked in the preview's Update step, which the CLI reports on the resource.
    expect(refused.output).toMatch(/error: Preview failed: token is invalid, expired or revoked \(GitLab at 127\.0\.0\.1:\d+ answered 401\)/);
    expect([...writes(fx.sandbox), ...writes(second.sandbox)]).toEqual([]);
  } finally {
    await project.setConfig({}, { gitlabToken: fx.demo.gitlabToken });
  }
});

test("the import option adopts a registration made by hand in the second account, writing nothing; pulumi import does for the default one", async () => {
  const byHand = await fetch(`${second.sandbox.torque.url}/api/settings/repository_providers`, {
    method: "POST",
    headers: { authorization: `Bearer ${second.demo.torqueToken}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "made-by-hand", type: "gitLabEnterprise", details: { token: fx.demo.gitlabToken, base_url: `${fx.sandbox.gitlab.url}/` }, repos: [] }),
  });
  const id = (await byHand.json()) as string;
  const enosId = byHandInEnos("made_by_hand");
  resetLogs(fx.sandbox);
  resetLogs(second.sandbox);

  declare(`  madeByHand:
    type: gitlab-sources:torque:RepositoryProvider
    properties:
      name: made-by-hand
      baseUrl: \${gitlabUrl}
      token: \${gitlabToken}
    options:
      provider: \${accountB}
      import: ${id}
`);
  const imported = await project.ok("up --yes");
  expect(imported.output).toMatch(/=\s+gitlab-sources:torque:RepositoryProvider madeByHand imported/);

  const planned = await project.ok(["import", "gitlab-sources:enos:GitLabDataSource", "madeByHandModels", enosId, "--yes"]);
  expect(planned.output).toMatch(/token: no API returns a registration's token/);
  declare(`  madeByHandModels:
    type: gitlab-sources:enos:GitLabDataSource
    properties:
      name: made_by_hand
      gitUrl: \${modelsUrl}
      token: \${gitlabToken}
      description: made by hand
`);
  await project.ok("preview --expect-no-changes");
  await project.ok("refresh --yes --expect-no-changes");
  expect([...writes(fx.sandbox), ...writes(second.sandbox)]).toEqual([]);
});

test("accountB written another way is updated in place; pointed at the first account, its resources move there", async () => {
  resetLogs(fx.sandbox);
  resetLogs(second.sandbox);
  await project.setConfig({ accountBTorqueUrl: `${second.sandbox.torque.url}/` });
  const same = await project.ok("up --yes");
  expect(same.output).toMatch(/~\s+pulumi:providers:gitlab-sources accountB updated/);
  expect(same.output).not.toMatch(/replaced|created|deleted/);
  expect([...writes(fx.sandbox), ...writes(second.sandbox)]).toEqual([]);

  // The engine replaces no resource that still carries its import option: done with, it goes.
  const file = path.join(project.dir, "Pulumi.yaml");
  fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/\n {6}import: \S+/, ""));
  const a = providerSettings((name) => `accountB${name[0].toUpperCase()}${name.slice(1)}`, first());
  await project.setConfig(a.plain, a.secret);
  await project.ok("up --yes");
  // Created in the first account before the old ones were deleted from the second, through the old provider.
  expect(registrations(second)).toEqual({ providers: [], credentials: [], repositories: [], dataSources: [] });
  expect(registrations(first())).toEqual({
    providers: ["made-by-hand", "shared-gitlab"],
    credentials: ["team-a-gitlab", "team-b-gitlab"],
    repositories: ["team-a-models", "team-b-models"],
    dataSources: ["made_by_hand", "shared_models", "team_a_models", "team_b_models"],
  });
  await project.ok("preview --refresh --expect-no-changes");
});

test("destroy empties every account", async () => {
  await project.ok("destroy --yes");
  const empty = { providers: [], credentials: [], repositories: [], dataSources: [] };
  expect(registrations(first())).toEqual(empty);
  expect(registrations(second)).toEqual(empty);
});

/** Adds a resource to the project's program. */
function declare(yaml: string): void {
  const file = path.join(project.dir, "Pulumi.yaml");
  const text = fs.readFileSync(file, "utf8");
  fs.writeFileSync(file, text.replace(/\noutputs:\n/, `\n${yaml}\noutputs:\n`));
}

/** A data source registered in the first EnOS organization by hand, with the application the stack uses (only its creator may delete it). */
function byHandInEnos(name: string): string {
  const { enosOrgId } = fx.demo;
  const gitUrl = `${fx.sandbox.gitlab.url}/platform/ml/models`;
  return fx.sandbox.enos.seedDataSource({ orgId: enosOrgId, name, type: "GITLAB", description: "made by hand", gitUrl, token: fx.demo.gitlabToken, createBy: `app:${fx.demo.enosAppKey}` }).dataSourceId;
}
