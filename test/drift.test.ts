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

/** Rounds of edits made in the consoles, each touching each resource at most once, and the resources they touch. */
const rounds: [string, Edit[], string[]][] = [
  [
    "descriptions, provider name and repository agents edited",
    [
      (s) => s.enos.editDataSource(dataSource(s).dataSourceId, { description: "edited in the console" }),
      (s) => s.torque.editProvider(provider(s).id, { name: "renamed-in-ui" }),
      (s) => s.torque.editSpaceRepository(space(), "infra", { agents: ["sandbox-agent"], useAllAgents: false }),
      (s) => s.torque.editCredential(space(), "gitlab-ci", { description: "edited in the UI" }),
    ],
    ["models", "gitlab", "infra", "gitlab-ci"],
  ],
  [
    "gitUrl, provider baseUrl and repository credential edited",
    [
      (s) => s.enos.editDataSource(dataSource(s).dataSourceId, { gitUrl: `${s.gitlab.url}/platform/infra` }),
      (s) => s.torque.editProvider(provider(s).id, { baseUrl: "http://elsewhere.example.com/" }),
      (s) => s.torque.editSpaceRepository(space(), "infra", { credentialName: "gitlab-demo-credential" }),
    ],
    ["models", "gitlab", "infra"],
  ],
  ["provider repos edited", [(s) => s.torque.editProvider(provider(s).id, { repos: [] })], ["gitlab"]],
  [
    "all four deleted",
    [
      (s) => s.enos.removeDataSource(dataSource(s).dataSourceId),
      (s) => s.torque.removeProvider(provider(s).id),
      (s) => s.torque.removeSpaceRepository(space(), "infra"),
      (s) => s.torque.removeCredential(space(), "gitlab-ci"),
    ],
    ["models", "gitlab", "infra", "gitlab-ci"],
  ],
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

test.each(rounds)("no false negative: %s behind Pulumi's back is reported for each, and up --refresh restores them", async (_what, edits, touched) => {
  for (const edit of edits) edit(fx.sandbox);
  const check = await stack.preview(PROGRAM, { refresh: true });
  expect(check.errors).toEqual([]);
  const reported = new Set(changes(check).map((step) => step.urn.split("::").pop()));
  expect([...reported].sort()).toEqual([...touched].sort());

  const restore = await stack.up(PROGRAM, { refresh: true });
  expect(restore.errors).toEqual([]);
  expect(changes(await stack.preview(PROGRAM, { refresh: true }))).toEqual([]);
  expect(fx.sandbox.torque.providers()).toHaveLength(1);
  expect(fx.sandbox.enos.dataSources()).toHaveLength(1);
  expect(fx.sandbox.torque.spaceRepositories(space())).toHaveLength(2);
  expect(fx.sandbox.torque.credentials(space()).map((c) => c.name).sort()).toEqual(["gitlab-ci", "gitlab-demo-credential"]);
});
