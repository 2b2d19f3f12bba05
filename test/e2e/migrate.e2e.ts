import { Project } from "./cli";
import { useE2eSandbox, writes, resetLogs } from "./sandbox";

/**
 * A stack made with the dynamic classes moves to the plugin as docs/guides/migrate-to-plugin.md
 * says, under the real CLI: the config under the package's names, the plugin installed,
 * the plugin classes in the program. Every registration keeps its id; nothing is created,
 * deleted or written; afterwards the state holds no serialized code and ends clean. Then the
 * plugin classes with an explicit provider.
 */
const fx = useE2eSandbox();

test("a dynamic stack moves to the plugin without a create, a delete or a write", async () => {
  const project = Project.scenario("migrate");
  await project.installPlugin();
  // The package's own config names, which dynamic mode reads too: set before the move.
  const provider = fx.packageConfig();
  const program = fx.programConfig();
  await project.init({ ...provider.plain, ...program.plain, mode: "dynamic" }, { ...provider.secret, ...program.secret });
  await project.ok("up --yes");
  const before = await project.resources();
  expect([...before.values()].map((r) => r.type).sort()).toEqual([
    "pulumi-nodejs:dynamic/enos:GitLabDataSource",
    "pulumi-nodejs:dynamic/torque:GitCredential",
    "pulumi-nodejs:dynamic/torque:RepositoryProvider",
    "pulumi-nodejs:dynamic/torque:SpaceRepository",
    "pulumi-nodejs:dynamic/torque:SpaceRepository",
  ]);

  resetLogs(fx.sandbox);
  await project.setConfig({ mode: "plugin" });
  const preview = await project.ok("preview");
  expect(preview.output).toMatch(/Resources:\n\s+6 unchanged\n/); // the stack and the five resources
  expect(preview.output).not.toMatch(/\b(to create|to delete|to replace|to update)\b/);
  await project.ok("up --yes");
  // Refresh records each resource's state as the plugin reads it: the serialized provider goes.
  await project.ok("refresh --yes");
  await project.ok("preview --expect-no-changes");
  expect(writes(fx.sandbox)).toEqual([]);

  const after = await project.resources();
  for (const [name, resource] of before) expect({ name, id: after.get(name)?.id, type: after.get(name)?.type }).toEqual({ name, id: resource.id, type: resource.type.replace("pulumi-nodejs:dynamic/", "gitlab-sources:") });
  const { text } = await project.exportState();
  expect(text).not.toContain("__provider");
  expect(fx.secrets().filter((s) => text.includes(s))).toEqual([]);

  // The plugin's classes with an explicit provider (plugin.Provider), its token a secret.
  await project.setConfig({ explicit: "true", westTorqueUrl: fx.sandbox.torque.url }, { westTorqueToken: fx.demo.torqueToken });
  await project.ok("up --yes");
  expect(fx.sandbox.torque.credentials(fx.demo.torqueSpace).find((c) => c.name === "west-ci")?.description).toBe("through an explicit provider");
  const explicit = await project.exportState();
  const west = explicit.deployment.resources?.find((r) => r.type === "pulumi:providers:gitlab-sources" && r.urn.endsWith("::west"));
  expect(west).toBeDefined();
  expect(explicit.deployment.resources?.find((r) => r.urn.endsWith("::west-ci"))?.provider).toMatch(/::west::/);
  expect(fx.secrets().filter((s) => explicit.text.includes(s))).toEqual([]);
  await project.ok("preview --expect-no-changes");
  await project.ok("destroy --yes");
  expect(fx.sandbox.torque.credentials(fx.demo.torqueSpace).map((c) => c.name)).toEqual(["gitlab-demo-credential"]);
});
