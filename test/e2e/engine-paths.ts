/**
 * The engine's paths beyond up, preview, refresh and destroy, under the real `pulumi` CLI, in
 * one mode (engine-paths-dynamic.e2e.ts and engine-paths-plugin.e2e.ts run them side by side):
 * `up --replace`, renames, an import option left in the program, one name declared twice, a
 * secret on an ordinary input, a 404 that is not Torque's, another account, a list entry
 * without a branch. After each: the state names exactly what the servers hold, and `pulumi
 * preview --expect-no-changes` is clean once the program does what the message says.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { startTorque, type TorqueServer } from "../sandbox";
import { clashAdviceStart } from "../support/messages";
import { diagnostics, expectFailure, expectSuccess, Project } from "./cli";
import { clearRegistrations, resetLogs, useE2eSandbox, writes, type E2eFixture } from "./sandbox";

export type Mode = "dynamic" | "plugin";
type Kind = "enos:GitLabDataSource" | "torque:GitCredential" | "torque:RepositoryProvider" | "torque:SpaceRepository";
export interface Declaration {
  kind: Kind;
  name: string;
  args: Record<string, unknown>;
  opts?: { deleteBeforeReplace?: boolean; import?: string; aliases?: string[]; provider?: string; customTimeouts?: { create?: string; update?: string } };
}

/** One of every kind: a data source, a repository provider, a credential and a repository using it. */
export function everyKind(suffix = ""): Declaration[] {
  return [
    { kind: "enos:GitLabDataSource", name: `ds${suffix}`, args: { name: "paths_models", gitUrl: "$gitlab/platform/ml/models", token: "$token" } },
    { kind: "torque:RepositoryProvider", name: `rp${suffix}`, args: { name: "paths-gitlab", baseUrl: "$gitlab/", token: "$token" } },
    { kind: "torque:GitCredential", name: `cred${suffix}`, args: { space: "$space", name: "paths-ci", gitlabUrl: "$gitlab/", token: "$token" } },
    { kind: "torque:SpaceRepository", name: `repo${suffix}`, args: { space: "$space", repositoryName: "paths-infra", repositoryUrl: "$gitlab/platform/infra", credential: `$ref:cred${suffix}` } },
  ];
}

export interface Paths {
  fx: E2eFixture;
  mode: Mode;
  /** A new stack of the paths program, with the plugin installed in plugin mode. */
  stack(resources: Declaration[], config?: Record<string, string>): Promise<Project>;
  declare(project: Project, resources: Declaration[], config?: Record<string, string>): Promise<void>;
  /** The URN of a declared resource. */
  urn(project: Project, kind: Kind, name: string): string;
  /** Fails unless the state's resources are exactly the objects the servers hold (by id). */
  agree(project: Project): Promise<Map<string, string>>;
  clean(project: Project): Promise<void>;
}

export function usePaths(mode: Mode): Paths {
  const fx = useE2eSandbox();
  beforeEach(() => {
    clearRegistrations(fx);
    fx.sandbox.torque.faults.clear();
    fx.sandbox.torque.setSync({ delayMs: 0, outcome: "Connected" });
  });

  const paths: Paths = {
    fx,
    mode,
    async stack(resources, config = {}) {
      const project = Project.scenario("paths");
      if (mode === "plugin") await project.installPlugin();
      const provider = mode === "plugin" ? fx.packageConfig() : fx.providerConfig();
      const program = fx.programConfig();
      await project.init({ ...provider.plain, ...program.plain, mode, resources: JSON.stringify(resources), ...config }, { ...provider.secret, ...program.secret });
      return project;
    },
    async declare(project, resources, config = {}) {
      await project.setConfig({ resources: JSON.stringify(resources), ...config });
    },
    urn(project, kind, name) {
      const [module, type] = kind.split(":");
      return project.urn(mode === "plugin" ? `gitlab-sources:${module}:${type}` : `pulumi-nodejs:dynamic/${module}:${type}`, name);
    },
    async agree(project) {
      const held = new Map([...(await project.resources())].map(([name, r]) => [name, r.id!]));
      const space = fx.demo.torqueSpace;
      const onServers = [
        ...fx.sandbox.enos.dataSources().map((d) => d.dataSourceId),
        ...fx.sandbox.torque.providers().map((p) => p.id),
        ...fx.sandbox.torque.credentials(space).filter((c) => c.name !== "gitlab-demo-credential").map((c) => `${space}/${c.name}`),
        ...fx.sandbox.torque.spaceRepositories(space).map((r) => `${space}/${r.name}`),
      ];
      expect([...held.values()].sort()).toEqual(onServers.sort());
      return held;
    },
    async clean(project) {
      expectSuccess(await project.run("preview --expect-no-changes"));
    },
  };
  return paths;
}

export function replaceScenarios({ fx, mode, stack, declare, urn, agree, clean }: Paths): void {
  test(`${mode}: up --replace of every kind is refused in one sentence and loses nothing; with deleteBeforeReplace it replaces`, async () => {
    const project = await stack(everyKind());
    await project.ok("up --yes --skip-preview");
    const before = await agree(project);

    const targets = (names: [Kind, string][]) => names.flatMap(([kind, name]) => ["--replace", urn(project, kind, name)]);
    const replaced = await project.run(["up", "--yes", ...targets([["enos:GitLabDataSource", "ds"], ["torque:RepositoryProvider", "rp"], ["torque:SpaceRepository", "repo"], ["torque:GitCredential", "cred"]])]);
    expectFailure(replaced);
    expect(replaced.output).toContain(clashAdviceStart);
    expect(await agree(project)).toEqual(before);
    await clean(project);

    // What the message says: deleteBeforeReplace. The credential stays: its repository uses it.
    await declare(project, everyKind().map((d) => (d.name === "cred" ? d : { ...d, opts: { deleteBeforeReplace: true } })));
    await project.ok(["up", "--yes", ...targets([["enos:GitLabDataSource", "ds"], ["torque:RepositoryProvider", "rp"], ["torque:SpaceRepository", "repo"]])]);
    const after = await agree(project);
    expect([after.get("ds") !== before.get("ds"), after.get("rp") !== before.get("rp"), after.get("repo"), after.get("cred")]).toEqual([true, true, before.get("repo"), before.get("cred")]);
    await clean(project);
  });

  test(`${mode}: a rename without an alias is refused, losing nothing; with the alias it is the same resource`, async () => {
    const project = await stack(everyKind());
    await project.ok("up --yes --skip-preview");
    const before = await agree(project);

    await declare(project, everyKind("-renamed"));
    const renamed = await project.run("up --yes");
    expectFailure(renamed);
    expect(renamed.output).toContain(clashAdviceStart);
    expect([...(await agree(project)).values()].sort()).toEqual([...before.values()].sort());

    await declare(project, everyKind("-renamed").map((d) => ({ ...d, opts: { aliases: [d.name.replace("-renamed", "")] } })));
    resetLogs(fx.sandbox);
    await project.ok("up --yes");
    expect(writes(fx.sandbox)).toEqual([]);
    const after = await agree(project);
    expect(["ds", "rp", "cred", "repo"].map((n) => after.get(`${n}-renamed`))).toEqual(["ds", "rp", "cred", "repo"].map((n) => before.get(n)));
    await clean(project);
  });

  test(`${mode}: one name declared twice: the second resource is refused, the first keeps its object`, async () => {
    const [ds, , cred] = everyKind();
    const project = await stack([ds, { ...ds, name: "ds-twin" }, cred, { ...cred, name: "cred-twin" }]);
    const up = await project.run("up --yes --skip-preview --parallel 1");
    expectFailure(up);
    expect(up.output).toContain(clashAdviceStart);
    await agree(project);
    expect(fx.sandbox.enos.dataSources().filter((d) => d.name === "paths_models").length + fx.sandbox.torque.credentials(fx.demo.torqueSpace).filter((c) => c.name === "paths-ci").length).toBeLessThanOrEqual(2);
    await declare(project, [ds, cred]);
    await project.ok("up --yes");
    await agree(project);
    await clean(project);
  });
}

export function importScenarios({ fx, mode, stack, declare, urn, agree, clean }: Paths): void {
  test(`${mode}: an import option left in the program: up --replace keeps the object, a replacement registers a new one and removes the old`, async () => {
    // Registered by hand with the stack's EnOS application (EnOS lets only the creator delete it).
    const seeded = fx.sandbox.enos.seedDataSource({ orgId: fx.demo.enosOrgId, createBy: `app:${fx.demo.enosAppKey}`, name: "paths_by_hand", type: "GITLAB", description: "", gitUrl: `${fx.sandbox.gitlab.url}/platform/ml/models`, token: fx.demo.gitlabToken });
    const declared = (name: string): Declaration => ({ kind: "enos:GitLabDataSource", name: "ds", args: { name, gitUrl: "$gitlab/platform/ml/models", token: "$token" }, opts: { import: seeded.dataSourceId } });
    const project = await stack([declared("paths_by_hand")]);
    await project.ok("up --yes");
    expect((await agree(project)).get("ds")).toBe(seeded.dataSourceId);

    const replaced = await project.run(["up", "--yes", "--replace", urn(project, "enos:GitLabDataSource", "ds")]);
    if (mode === "dynamic") {
      // The dynamic import takes the old object again: its delete is skipped, so nothing is lost.
      expectSuccess(replaced);
      expect(replaced.output).toContain(`${seeded.dataSourceId} was not deleted: in this run another resource of the stack took it over`);
    } else {
      // The engine's own import: it refuses to replace what it imported while the option stays.
      expectFailure(replaced);
      expect(diagnostics(replaced, "ds")).toContain("previously-imported resources that still specify an ID may not be replaced; please remove the `import` declaration from your program");
    }
    expect((await agree(project)).get("ds")).toBe(seeded.dataSourceId);
    await clean(project);

    // A replacing change with the option still there: dynamic mode registers a new object and
    // removes the old one; with the plugin the engine refuses until the option is removed.
    await declare(project, [declared("paths_renamed")]);
    if (mode === "plugin") {
      const refused = await project.run("up --yes");
      expectFailure(refused);
      expect(diagnostics(refused, "ds")).toContain("previously-imported resources that still specify an ID may not be replaced");
      expect((await agree(project)).get("ds")).toBe(seeded.dataSourceId);
      await declare(project, [{ ...declared("paths_renamed"), opts: {} }]);
    }
    await project.ok("up --yes");
    const after = await agree(project);
    expect(after.get("ds")).not.toBe(seeded.dataSourceId);
    expect(fx.sandbox.enos.dataSources().map((d) => d.name)).toEqual(["paths_renamed"]);
    await clean(project);
  });
}

export function stateScenarios({ fx, mode, stack, declare, agree, clean }: Paths): void {
  test(`${mode}: a secret repositoryUrl stays secret in the state`, async () => {
    const [, , cred, repo] = everyKind();
    const project = await stack([cred, { ...repo, args: { ...repo.args, repositoryUrl: "$secret:$gitlab/platform/infra" } }]);
    await project.ok("up --yes --skip-preview");
    const { text, deployment } = await project.exportState();
    const resource = deployment.resources!.find((r) => r.urn.endsWith("::repo"))!;
    for (const bag of [resource.inputs!, resource.outputs!]) expect(bag.repositoryUrl).toMatchObject({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" });
    expect(text).not.toContain(`${fx.sandbox.gitlab.url}/platform/infra`);
    await clean(project);
  });

  test(`${mode}: a 404 that is not Torque's fails refresh and destroy, and nothing is dropped or lost`, async () => {
    const [, , cred, repo] = everyKind();
    const project = await stack([cred, repo]);
    await project.ok("up --yes --skip-preview");
    const before = await agree(project);
    // A proxy in front of Torque that answers HTML for these routes, as a wrong path prefix would.
    for (const path of ["/settings/credentialstore/", "/repositories"]) {
      fx.sandbox.torque.faults.add({ kind: "body", status: 404, body: "<html><body><h1>Not Found</h1></body></html>", contentType: "text/html", path });
    }
    const refresh = await project.run("refresh --yes");
    expectFailure(refresh);
    expect(refresh.output).toContain("with a 404 that is not Torque's");
    expect(await agree(project)).toEqual(before);
    expectFailure(await project.run("destroy --yes"));
    expect(await agree(project)).toEqual(before);
    fx.sandbox.torque.faults.clear();
    expectSuccess(await project.run("preview --refresh --expect-no-changes"));
    await project.ok("destroy --yes");
    expect((await agree(project)).size).toBe(0);
  });

  test(`${mode}: the provider pointed at another Torque account: its calls there are refused, naming both; pointed back, all is clean`, async () => {
    const other: TorqueServer = await startTorque({});
    try {
      other.addApiToken(fx.demo.torqueToken, { admin: true });
      other.addSpace(fx.demo.torqueSpace, { agents: ["sandbox-agent"], credentials: [] });
      const [, , cred] = everyKind();
      const project = await stack([cred]);
      // Dynamic mode reads the stack's torque:url; the plugin's default provider here TORQUE_URL (a
      // change of its own setting replaces the provider, and moves what it holds: plugin.e2e.ts).
      let env: Record<string, string> = {};
      const point = async (url: string) => (mode === "plugin" ? void (env = { TORQUE_URL: url }) : project.setConfig({ "torque:url": url }));
      if (mode === "plugin") await project.ok(["config", "rm", "gitlab-sources:torqueUrl"]);
      await point(fx.sandbox.torque.url);
      await project.ok("up --yes --skip-preview", env);
      const before = await agree(project);
      await point(other.url);
      const named = mode === "plugin" ? "TORQUE_URL" : "torque:url";
      const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      const refused = new RegExp(`was registered in Torque account ${escaped(fx.sandbox.torque.url)}, but ${named} now names Torque account ${escaped(other.url)}`);
      // The plugin reads the environment in every command. Dynamic mode's refresh and destroy use
      // the configuration the state records; an up configures the provider anew, and updates or
      // deletes with it.
      const attempts: [string, Declaration[]][] =
        mode === "plugin"
          ? [["refresh --yes", [cred]], ["destroy --yes", [cred]]]
          : [["up --yes", [{ ...cred, args: { ...cred.args, description: "changed" } }]], ["up --yes", []]];
      for (const [command, resources] of attempts) {
        await declare(project, resources);
        const run = await project.run(command, env);
        expectFailure(run);
        expect(run.output).toMatch(refused);
      }
      expect(await agree(project)).toEqual(before);
      expect(other.credentials(fx.demo.torqueSpace)).toEqual([]);
      await declare(project, [cred]);
      await point(fx.sandbox.torque.url);
      // An up records the provider's configuration again (dynamic mode's refresh reads it from the state).
      await project.ok("up --yes", env);
      expect(await agree(project)).toEqual(before);
      expectSuccess(await project.run("preview --refresh --expect-no-changes", env));
    } finally {
      await other.close();
    }
  });

  test(`${mode}: a Torque list entry without a branch is no change`, async () => {
    const [, , cred, repo] = everyKind();
    const project = await stack([cred, repo]);
    await project.ok("up --yes --skip-preview");
    fx.sandbox.torque.editSpaceRepository(fx.demo.torqueSpace, "paths-infra", { branch: null as unknown as string });
    resetLogs(fx.sandbox);
    expectSuccess(await project.run("preview --refresh --expect-no-changes"));
    await project.ok("up --refresh --yes");
    expect(writes(fx.sandbox)).toEqual([]);
    await agree(project);
    await clean(project);
  });
}

/** The plugin alone: explicit providers, Ctrl-C and customTimeouts (the dynamic provider host has no Cancel and no timeouts). */
export function pluginScenarios({ fx, stack, declare, agree, clean }: Paths): void {
  test("plugin: the default provider made explicit with the same place, its URL from TORQUE_URL before: the provider is updated, nothing is replaced", async () => {
    const project = await stack(everyKind(), {});
    // TORQUE_URL in place of the stack's setting: the default provider's torqueUrl is not in its inputs.
    await project.ok(["config", "rm", "gitlab-sources:torqueUrl"]);
    const env = { TORQUE_URL: fx.sandbox.torque.url };
    await project.ok("up --yes --skip-preview", env);
    const before = await agree(project);
    const settings = fx.packageConfig();
    const explicit = Object.fromEntries(
      Object.entries({ ...settings.plain, ...settings.secret }).map(([key, value]) => [key.replace("gitlab-sources:", ""), key.endsWith("Token") || key.endsWith("Secret") ? `$secret:${value}` : value]),
    );
    explicit.torqueUrl = `${fx.sandbox.torque.url}/`; // written out, another way
    resetLogs(fx.sandbox);
    await declare(project, everyKind().map((d) => ({ ...d, opts: { provider: "west" } })), { providers: JSON.stringify({ west: explicit }) });
    const up = await project.run("up --yes", env);
    expectSuccess(up);
    expect(up.output).not.toMatch(/replace/);
    expect(writes(fx.sandbox)).toEqual([]);
    expect(await agree(project)).toEqual(before);
    expectSuccess(await project.run("preview --expect-no-changes", env));
  });

  test("plugin: Ctrl-C during a sync wait ends the CLI within seconds; the next up converges", async () => {
    const [, , cred, repo] = everyKind();
    const project = await stack([cred, repo]);
    fx.sandbox.torque.setSync({ delayMs: 600_000, outcome: "Connected" });
    const running = project.start("up --yes --skip-preview");
    for (const deadline = Date.now() + 120_000; !fx.sandbox.torque.spaceRepositories(fx.demo.torqueSpace).some((r) => r.name === "paths-infra"); await sleep(50)) {
      if (Date.now() > deadline) throw new Error(`the repository was never created:\n${running.output()}`);
    }
    await sleep(1_000); // well into the sync wait
    const interrupted = Date.now();
    running.interrupt();
    const run = await running.done;
    expectFailure(run);
    expect(Date.now() - interrupted).toBeLessThan(15_000);
    expect(run.output).toContain("the operation was cancelled (Ctrl-C) while waiting for Torque to sync repository paths-infra");
    await agree(project);
    fx.sandbox.torque.editSpaceRepository(fx.demo.torqueSpace, "paths-infra", { status: "Connected" });
    await project.ok("up --yes");
    await agree(project);
    await clean(project);
  });

  test("plugin: customTimeouts bound a create, its sync wait included; the repository is kept and the next up converges", async () => {
    const [, , cred, repo] = everyKind();
    const project = await stack([cred, { ...repo, opts: { customTimeouts: { create: "8s" } } }]);
    fx.sandbox.torque.setSync({ delayMs: 600_000, outcome: "Connected" });
    const up = await project.run("up --yes --skip-preview");
    expectFailure(up);
    expect(up.ms).toBeLessThan(60_000); // not syncTimeoutSeconds (120 s)
    expect(diagnostics(up, "repo")).toContain("the operation reached its timeout of 8 s (customTimeouts) while waiting for Torque to sync repository paths-infra");
    await agree(project);
    fx.sandbox.torque.editSpaceRepository(fx.demo.torqueSpace, "paths-infra", { status: "Connected" });
    await project.ok("up --yes");
    await agree(project);
    await clean(project);
  });
}
