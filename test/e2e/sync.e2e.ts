import * as path from "node:path";
import { diagnostics, expectFailure, expectSuccess, Project } from "./cli";
import { useE2eSandbox } from "./sandbox";

/**
 * A space repository whose sync ends in Error stays failed: every `pulumi up` fails with
 * Torque's message while Torque says Error, and the first one after Torque says Connected
 * succeeds and leaves nothing to do. As dynamic resources, and through the plugin.
 */
const fx = useE2eSandbox();
const TORQUE_SAYS = "Could not clone the repository: branch main not found";

test("every up fails with Torque's message while the sync is in Error; after Connected, up succeeds and ends clean", async () => {
  const url = `${fx.sandbox.gitlab.url}/platform/ml/models`;
  fx.sandbox.torque.setSync({ url, outcome: "Error", errors: [TORQUE_SAYS], delayMs: 0 });
  const project = Project.scenario("sources");
  const provider = fx.providerConfig();
  const program = fx.programConfig();
  await project.init({ ...provider.plain, ...program.plain }, { ...provider.secret, ...program.secret });

  for (let attempt = 1; attempt <= 3; attempt++) {
    const up = await project.run("up --yes");
    expectFailure(up);
    expect({ attempt, said: diagnostics(up, "model-assets") }).toEqual({ attempt, said: expect.stringContaining(TORQUE_SAYS) });
    expect(up.stdout).not.toMatch(/model-assets (created|updated)/);
  }
  expect(fx.sandbox.torque.spaceRepositories(fx.demo.torqueSpace).filter((r) => r.name === "model-assets")).toHaveLength(1);

  fx.sandbox.torque.editSpaceRepository(fx.demo.torqueSpace, "model-assets", { status: "Connected", errors: [] });
  expectSuccess(await project.run("up --yes"));
  expectSuccess(await project.run("preview --expect-no-changes"));
  expectSuccess(await project.run("refresh --yes --expect-no-changes"));
  expect(fx.sandbox.torque.spaceRepositories(fx.demo.torqueSpace).map((r) => r.name).sort()).toEqual(["infra", "infra-stored", "model-assets"]);
});

test("through the plugin too: kept with initialization errors, failing until Torque says Connected", async () => {
  const url = `${fx.sandbox.gitlab.url}/platform/ml/models`;
  fx.sandbox.torque.setSync({ url, outcome: "Error", errors: [TORQUE_SAYS], delayMs: 0 });
  const project = Project.copy(path.join(__dirname, "programs", "sync-yaml"), "sync-yaml");
  await project.installPlugin();
  const provider = fx.packageConfig();
  const program = fx.programConfig();
  await project.init({ ...provider.plain, ...program.plain }, { ...provider.secret, ...program.secret });

  for (let attempt = 1; attempt <= 2; attempt++) {
    const up = await project.run("up --yes");
    expectFailure(up);
    expect({ attempt, said: diagnostics(up, "model-assets-plugin") }).toEqual({ attempt, said: expect.stringContaining(TORQUE_SAYS) });
  }
  const kept = (await project.resources()).get("model-assets-plugin");
  expect(kept?.initErrors).toEqual([TORQUE_SAYS]);

  fx.sandbox.torque.editSpaceRepository(fx.demo.torqueSpace, "model-assets-plugin", { status: "Connected", errors: [] });
  expectSuccess(await project.run("up --yes"));
  expectSuccess(await project.run("preview --expect-no-changes"));
  expectSuccess(await project.run("refresh --yes --expect-no-changes"));
  expectSuccess(await project.run("destroy --yes"));
});
