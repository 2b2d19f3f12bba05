import { diagnostics, expectFailure, expectSuccess, Project } from "./cli";
import { clearRegistrations, resetLogs, useE2eSandbox, writes } from "./sandbox";

/**
 * The `import` resource option under the real engine, for every resource kind: registrations
 * made by hand are adopted without a write and end clean; declared inputs that differ from what
 * the server holds fail the import, naming each differing property.
 */
const fx = useE2eSandbox();

/** A call to the space's Torque API, as a person with the admin token makes it. */
function torqueApi(method: string, route: string, body: unknown): Promise<Response> {
  return fetch(`${fx.sandbox.torque.url}/api/spaces/${fx.demo.torqueSpace}/${route}`, {
    method,
    headers: { Authorization: `Bearer ${fx.demo.torqueToken}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

/** Registrations made by hand (console or API) before Pulumi knew them; their import ids by resource name. */
async function registerByHand(): Promise<Record<string, string>> {
  const gitlab = `${fx.sandbox.gitlab.url}/`;
  const dataSource = fx.sandbox.enos.seedDataSource({
    orgId: fx.demo.enosOrgId,
    name: "hand_made",
    type: "GITLAB",
    description: "registered by hand",
    gitUrl: `${gitlab}platform/ml/models`,
    token: fx.demo.gitlabToken,
    createBy: "user:platform-admin",
  });
  const provider = fx.sandbox.torque.seedProvider({ name: "hand-made", type: "gitLabEnterprise", baseUrl: gitlab, token: fx.demo.gitlabToken, repos: [`${gitlab}platform/infra`] });
  const answer = await torqueApi("POST", "repositories/gitlabEnterprise", {
      repository_name: "hand-made",
      repository_url: `${gitlab}platform/infra`,
      token: null,
      branch: "main",
      credential_name: "gitlab-demo-credential",
      use_all_agents: true,
      agents: [],
      eac_auto_registration: false,
  });
  expect(answer.status).toBe(202);
  const stored = await torqueApi("POST", "settings/credentialstore", {
    space_name: fx.demo.torqueSpace,
    name: "hand-made",
    description: "stored by hand",
    cloud_type: "sourceControl",
    cloud_identifier: "gitlabEnterprise",
    credential_data: { token: fx.demo.gitlabToken, type: "gitlabEnterprise" },
  });
  expect(stored.status).toBe(200);
  return { models: dataSource.dataSourceId, gitlab: provider.id, infra: `${fx.demo.torqueSpace}/hand-made`, ci: `${fx.demo.torqueSpace}/hand-made` };
}

async function importProject(ids: Record<string, string>): Promise<Project> {
  const project = Project.scenario("import");
  const provider = fx.providerConfig();
  const program = fx.programConfig();
  await project.init({ ...provider.plain, ...program.plain, imports: JSON.stringify(ids) }, { ...provider.secret, ...program.secret });
  return project;
}

beforeEach(() => clearRegistrations(fx));

test("adopts every kind without a write; the preview says it adopts; then no changes", async () => {
  const ids = await registerByHand();
  const project = await importProject(ids);
  resetLogs(fx.sandbox);

  const preview = await project.run("preview");
  expectSuccess(preview);
  for (const [name, id] of Object.entries(ids)) {
    const says = preview.output.split("\n").filter((line) => line.includes(id));
    expect({ name, says }).toEqual({ name, says: expect.arrayContaining([expect.stringMatching(/\badopts\b/)]) });
    expect({ name, says }).not.toEqual({ name, says: expect.arrayContaining([expect.stringMatching(/\bregist(er|ers|ering)\b(?! again| nothing)/)]) });
  }

  const up = await project.run("up --yes");
  expectSuccess(up);
  expect(writes(fx.sandbox)).toEqual([]);
  const state = await project.resources();
  expect(Object.fromEntries([...state].map(([name, r]) => [name, r.id]))).toEqual(ids);

  expectSuccess(await project.run("preview --expect-no-changes"));
  expectSuccess(await project.run("refresh --yes --expect-no-changes"));
  expect(writes(fx.sandbox)).toEqual([]);
  expect(fx.sandbox.enos.dataSources()).toHaveLength(1);
  expect(fx.sandbox.torque.providers()).toHaveLength(1);
  expect(fx.sandbox.torque.spaceRepositories(fx.demo.torqueSpace)).toHaveLength(1);
  expect(fx.sandbox.torque.credentials(fx.demo.torqueSpace).map((c) => c.name).sort()).toEqual(["gitlab-demo-credential", "hand-made"]);
});

test("declared inputs unlike the server's fail the import at preview, naming each differing property; nothing is written", async () => {
  const ids = await registerByHand();
  const project = await importProject(ids);
  resetLogs(fx.sandbox);

  const differing: Record<string, string[]> = { models: ["gitUrl", "description"], gitlab: ["name", "repos"], infra: ["branch", "agents"], ci: ["description"] };
  for (const [name, properties] of Object.entries(differing)) {
    await project.setConfig({ differ: name });
    for (const command of ["preview", "up --yes"]) {
      const run = await project.run(command);
      expectFailure(run);
      const said = diagnostics(run, name);
      for (const property of properties) expect({ command, name, property, said }).toEqual({ command, name, property, said: expect.stringMatching(new RegExp(`error: [^\\n]*\\b${property}\\b`)) });
    }
  }
  expect(writes(fx.sandbox)).toEqual([]);
  expect(await project.resources()).toEqual(new Map());

  // Declared as the servers hold them, the same registrations are adopted.
  await project.setConfig({ differ: "none" });
  expectSuccess(await project.run("up --yes"));
  expect(writes(fx.sandbox)).toEqual([]);
  expectSuccess(await project.run("preview --expect-no-changes"));
});
