import type { Sandbox } from "./sandbox";
import { changes, Stack } from "./harness/stack";
import { useSandbox } from "./support/fixture";

/**
 * The drift detection recipe, `pulumi preview --refresh --expect-no-changes`, on the basic
 * example: no false positives after an up, and every kind of out-of-band edit reported.
 */
const fx = useSandbox();
const PROGRAM = "examples/basic/index.ts";
const space = () => fx.demo.torqueSpace;

type Edit = (sandbox: Sandbox) => void;
const provider = (s: Sandbox) => s.torque.providers()[0];
const dataSource = (s: Sandbox) => s.enos.dataSources()[0];

const edits: [string, Edit][] = [
  ["EnOS data source description edited", (s) => s.enos.editDataSource(dataSource(s).dataSourceId, { description: "edited in the console" })],
  ["EnOS data source gitUrl edited", (s) => s.enos.editDataSource(dataSource(s).dataSourceId, { gitUrl: `${s.gitlab.url}/platform/infra` })],
  ["EnOS data source deleted", (s) => s.enos.removeDataSource(dataSource(s).dataSourceId)],
  ["Torque provider renamed", (s) => s.torque.editProvider(provider(s).id, { name: "renamed-in-ui" })],
  ["Torque provider baseUrl edited", (s) => s.torque.editProvider(provider(s).id, { baseUrl: "http://elsewhere.example.com/" })],
  ["Torque provider repos edited", (s) => s.torque.editProvider(provider(s).id, { repos: [] })],
  ["Torque provider deleted", (s) => s.torque.removeProvider(provider(s).id)],
  ["space repository agents edited", (s) => s.torque.editSpaceRepository(space(), "infra", { agents: ["sandbox-agent"], useAllAgents: false })],
  ["space repository credential edited", (s) => s.torque.editSpaceRepository(space(), "infra", { credentialName: "gitlab-demo-credential" })],
  ["space repository deleted", (s) => s.torque.removeSpaceRepository(space(), "infra")],
];

let stack: Stack;
beforeAll(async () => {
  stack = fx.stack({
    config: { "project:gitlabUrl": `${fx.sandbox.gitlab.url}/`, "project:gitlabToken": fx.demo.gitlabToken, "project:torqueSpace": space() },
    secretConfig: ["project:gitlabToken"],
  });
  const up = await stack.up(PROGRAM);
  expect(up.errors).toEqual([]);
});

test("no false positive: right after up, preview --refresh proposes nothing", async () => {
  const check = await stack.preview(PROGRAM, { refresh: true });
  expect(check.errors).toEqual([]);
  expect(changes(check)).toEqual([]);
});

test.each(edits)("no false negative: %s behind Pulumi's back is reported, and up restores it", async (_what, edit) => {
  edit(fx.sandbox);
  const check = await stack.preview(PROGRAM, { refresh: true });
  expect(check.errors).toEqual([]);
  expect(changes(check).length).toBeGreaterThan(0);

  const restore = await stack.up(PROGRAM, { refresh: true });
  expect(restore.errors).toEqual([]);
  expect(changes(await stack.preview(PROGRAM, { refresh: true }))).toEqual([]);
  expect(fx.sandbox.torque.providers()).toHaveLength(1);
  expect(fx.sandbox.enos.dataSources()).toHaveLength(1);
  expect(fx.sandbox.torque.spaceRepositories(space())).toHaveLength(1);
});
