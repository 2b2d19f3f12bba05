import { Project } from "./cli";
import { useE2eSandbox, writes, resetLogs } from "./sandbox";

/**
 * A stack made with the dynamic classes moves to the plugin as README "Moving a stack to the
 * plugin" says, under the real CLI: the config under the package's names, the plugin installed,
 * the plugin classes in the program. Every registration keeps its id; nothing is created,
 * deleted or written; afterwards the state holds no serialized code and ends clean.
 */
const fx = useE2eSandbox();

test("a dynamic stack moves to the plugin without a create, a delete or a write", async () => {
  const project = Project.scenario("migrate");
  await project.installPlugin();
  const provider = fx.providerConfig();
  const program = fx.programConfig();
  // The package's own config names, which dynamic mode reads too: set before the move.
  const rename = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [`gitlab-sources:${k.replace(/^(torque|enos):(.)/, (_m, api: string, c: string) => `${api}${c.toUpperCase()}`)}`, v]));
  await project.init({ ...rename(provider.plain), ...program.plain, mode: "dynamic" }, { ...rename(provider.secret), ...program.secret });
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
  await project.ok("destroy --yes");
});
