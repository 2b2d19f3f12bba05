import { setTimeout as sleep } from "node:timers/promises";
import { diagnostics, diagnosticsByResource, expectFailure, expectSuccess, Project, type Run, type Running } from "./cli";
import { holdAnswers } from "./hold";
import { clearRegistrations, useE2eSandbox } from "./sandbox";

/**
 * `pulumi up` of 31 resources with `--parallel 4`, interrupted: Ctrl-C, then `up` converges;
 * SIGKILL of the CLI (a cancelled CI job, an OOM kill), then `pulumi cancel`, `pulumi refresh`
 * and `pulumi up` converge with nothing registered twice. What the provider adopts by itself
 * and what it asks the user to import is docs/guides/recovering-a-killed-run.md.
 */
const fx = useE2eSandbox();
const COUNT = 15; // data sources and space repositories, plus the repository provider

beforeAll(() => {
  for (let i = 1; i <= COUNT; i++) fx.sandbox.gitlab.addProject({ path: `fleet/svc-${i}`, visibility: "private", members: [1] });
});

beforeEach(() => {
  clearRegistrations(fx);
  for (const server of [fx.sandbox.torque, fx.sandbox.enos]) {
    server.faults.clear();
    server.latencyMs = 50;
  }
  fx.sandbox.torque.setSync({ delayMs: 300, outcome: "Connected" });
});

async function fleet(): Promise<Project> {
  const project = Project.scenario("fleet");
  const provider = fx.providerConfig();
  const program = fx.programConfig();
  await project.init({ ...provider.plain, ...program.plain, count: String(COUNT) }, { ...provider.secret, ...program.secret });
  return project;
}

/** What the servers hold for the fleet, by kind. */
function registered(): { dataSources: string[]; providers: string[]; spaceRepositories: string[] } {
  return {
    dataSources: fx.sandbox.enos.dataSources().map((d) => d.name).sort(),
    providers: fx.sandbox.torque.providers().map((p) => p.name),
    spaceRepositories: fx.sandbox.torque.spaceRepositories(fx.demo.torqueSpace).map((r) => r.name).sort(),
  };
}

const complete = {
  dataSources: Array.from({ length: COUNT }, (_, i) => `svc_${i + 1}`).sort(),
  providers: ["gitlab"],
  spaceRepositories: Array.from({ length: COUNT }, (_, i) => `svc-${i + 1}`).sort(),
};

/** Creates the servers have carried out (the provider, data sources, space repositories). */
const creates = () =>
  fx.sandbox.torque.count({ method: "POST" }) + fx.sandbox.enos.requests.filter((r) => r.query.action === "create").length;

async function until(running: Running, condition: () => boolean, what: string): Promise<void> {
  let finished = false;
  void running.done.then(() => (finished = true));
  for (const deadline = Date.now() + 120_000; !condition(); await sleep(20)) {
    if (finished) throw new Error(`pulumi finished before ${what}:\n${running.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${what} within 120 s:\n${running.output()}`);
  }
}

async function converged(project: Project): Promise<void> {
  expect(registered()).toEqual(complete);
  expect((await project.resources()).size).toBe(2 * COUNT + 1);
  expectSuccess(await project.run("preview --expect-no-changes"));
}

test("Ctrl-C in the middle of up --parallel 4: the next up converges", async () => {
  const project = await fleet();
  const running = project.start("up --yes --parallel 4");
  await until(running, () => creates() >= 8, "8 creates");
  running.interrupt();
  const interrupted = await running.done;
  expectFailure(interrupted);
  expect(creates()).toBeLessThan(2 * COUNT + 1);
  expect((await project.exportState()).deployment.pending_operations ?? []).toEqual([]);

  expectSuccess(await project.run("up --yes --parallel 4"));
  await converged(project);
});

/** Resource name -> id of every resource whose error advises `import: "<id>"`. */
function importAdvice(run: Run): Record<string, string> {
  const advice: Record<string, string> = {};
  for (const [name, said] of diagnosticsByResource(run)) {
    const id = /error: .*import: "([^"]+)"/.exec(said)?.[1];
    if (id) advice[name] = id;
  }
  return advice;
}

test("SIGKILL of the CLI in the middle of up: cancel, refresh --clear-pending-creates and up converge, nothing registered twice", async () => {
  const project = await fleet();
  const running = project.start("up --yes --parallel 4");
  // Once the provider exists, hold the answers of a few creates: the servers carry them out,
  // but their answers never reach the run, which dies waiting.
  await until(running, () => fx.sandbox.torque.providers().length === 1, "the repository provider");
  const enosCreates = holdAnswers(fx.sandbox.enos, (r) => r.query.get("action") === "create", 2);
  const torqueCreates = holdAnswers(fx.sandbox.torque, (r) => r.method === "POST", 2);
  await until(running, () => enosCreates.held() === 2 && torqueCreates.held() >= 1, "two EnOS and one Torque create in flight");
  running.kill();
  await running.done;
  enosCreates.release();
  torqueCreates.release();

  // The dead run recorded every create it had started as pending.
  const pending = ((await project.exportState()).deployment.pending_operations ?? []).map((op) => op.resource.urn.split("::").pop()!);
  expect(pending.filter((name) => /^svc-\d+$/.test(name)).length).toBeGreaterThanOrEqual(2);
  const pendingTorque = pending.filter((name) => /^(gitlab|svc-\d+-repo)$/.test(name));
  expect(pendingTorque.length).toBeGreaterThanOrEqual(1);
  expectFailure(await project.run("up --yes")); // the dead run's lock
  expectSuccess(await project.run("cancel --yes"));
  // Non-interactive, a plain `pulumi refresh` keeps pending creates (and every later up warns
  // of them): CI clears them, and up meets whatever they made.
  expectSuccess(await project.run("refresh --clear-pending-creates --yes"));
  expect((await project.exportState()).deployment.pending_operations ?? []).toEqual([]);

  // The provider never takes over a name that was taken before its create (it cannot tell the
  // dead run's object from another resource's): for each, its error names the id to import.
  // The engine stops at the first failed create, so the advice may come a few resources per up.
  const advice: Record<string, string> = {};
  for (let attempt = 0; ; attempt++) {
    const up = await project.run("up --yes --parallel 4");
    if (up.code === 0) break;
    const more = importAdvice(up);
    expect({ attempt, advised: Object.keys(more).length > 0, output: up.output }).toEqual({ attempt, advised: true, output: up.output });
    for (const name of Object.keys(more)) expect(pending).toContain(name); // only creates of the dead run
    expect(attempt).toBeLessThan(pending.length);
    Object.assign(advice, more);
    await project.setConfig({ imports: JSON.stringify(advice) });
  }
  expect(Object.keys(advice).length).toBeGreaterThanOrEqual(3); // two EnOS creates and a Torque one, at least, were held
  await converged(project);
  for (const [name, id] of Object.entries(advice)) expect((await project.resources()).get(name)?.id).toBe(id);
  expect((await project.exportState()).deployment.pending_operations ?? []).toEqual([]);
});

test("a data source a person registered with the same name and settings is not adopted silently: the error names its id", async () => {
  fx.sandbox.enos.seedDataSource({
    orgId: fx.demo.enosOrgId,
    name: "svc_1",
    type: "GITLAB",
    description: "",
    gitUrl: `${fx.sandbox.gitlab.url}/fleet/svc-1`,
    token: fx.demo.gitlabToken,
    createBy: "user:platform-admin",
  });
  const [{ dataSourceId }] = fx.sandbox.enos.dataSources();
  const project = await fleet();
  const up = await project.run("up --yes");
  expectFailure(up);
  expect(diagnostics(up, "svc-1")).toContain(`import: "${dataSourceId}"`);
  expect(fx.sandbox.enos.dataSources().filter((d) => d.name === "svc_1")).toHaveLength(1);

  await project.setConfig({ imports: JSON.stringify({ "svc-1": dataSourceId }) });
  expectSuccess(await project.run("up --yes"));
  await converged(project);
});
