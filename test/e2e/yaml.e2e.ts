import * as path from "node:path";
import { expectSuccess, Project } from "./cli";
import { resetLogs, useE2eSandbox, writes } from "./sandbox";

/**
 * examples/yaml as its README runs it: the plugin installed from its release tarball, the
 * default provider configured with the `gitlab-sources:*` keys `npm run sandbox` prints, then
 * preview, up, the drift check and destroy under the real CLI and its YAML language host.
 */
const fx = useE2eSandbox();
let project: Project;

beforeAll(async () => {
  project = Project.copy(path.join(__dirname, "..", "..", "examples", "yaml"), "yaml");
  await project.installPlugin();
  const provider = fx.packageConfig();
  const program = fx.programConfig();
  await project.init({ ...provider.plain, ...program.plain }, { ...provider.secret, ...program.secret });
});

function registered() {
  const space = fx.demo.torqueSpace;
  return {
    dataSources: fx.sandbox.enos.dataSources().map((d) => d.name),
    providers: fx.sandbox.torque.providers().map((p) => p.name),
    credentials: fx.sandbox.torque.credentials(space).map((c) => c.name).filter((name) => name !== "gitlab-demo-credential"),
    repositories: fx.sandbox.torque.spaceRepositories(space).map((r) => `${r.name}: ${r.status}`).sort(),
  };
}

test("preview proposes one resource of each kind and writes nothing; up registers them; the drift check is clean; destroy empties the servers", async () => {
  resetLogs(fx.sandbox);
  const preview = await project.ok("preview");
  expect(preview.output).toMatch(/\+ 6 to create/); // the stack and five resources
  expect(preview.output).not.toMatch(/warning/i);
  expect(writes(fx.sandbox)).toEqual([]);

  const up = await project.ok("up --yes");
  expect(up.output).not.toMatch(/warning/i);
  expect(registered()).toEqual({
    dataSources: ["model_repo"],
    providers: ["gitlab"],
    credentials: ["gitlab-ci"],
    repositories: ["infra: Connected", "models: Connected"],
  });

  resetLogs(fx.sandbox);
  await project.ok("preview --refresh --expect-no-changes");
  expect(writes(fx.sandbox)).toEqual([]);

  const { text } = await project.exportState();
  const printed = project.transcript.map((run) => run.output).join("\n");
  expect(fx.secrets().filter((secret) => text.includes(secret) || printed.includes(secret))).toEqual([]);

  expectSuccess(await project.run("destroy --yes"));
  expect(registered()).toEqual({ dataSources: [], providers: [], credentials: [], repositories: [] });
});
