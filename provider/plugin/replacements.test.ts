/**
 * Replacements through the plugin, in process: for each kind, a change of each property in its
 * spec's replaceOnChanges is a replace in Diff (the detailed diff says UPDATE_REPLACE for it
 * alone), deleting first exactly when the object's unique name is kept (uniqueBy); the engine's
 * steps in that order succeed, and the server then holds the new object only. replacements.e2e.ts
 * proves the same under the real CLI.
 */
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { gitLabDataSourceSpec } from "../enos/gitLabDataSource.schema";
import { gitCredentialSpec } from "../torque/gitCredential.schema";
import { repositoryProviderSpec } from "../torque/repositoryProvider.schema";
import { spaceRepositorySpec } from "../torque/spaceRepository.schema";
import { useSandbox } from "../../test/support/fixture";
import { checked, configured, created, deleted, diffed, replaced, SECRET, type Held, type Service } from "../../test/support/plugin";

const fx = useSandbox();
const OTHER_SPACE = "replacements-b";
const { DIFF_SOME, DIFF_NONE } = provproto.DiffResponse.DiffChanges;

let service: Service;
beforeAll(async () => {
  fx.sandbox.torque.addSpace(OTHER_SPACE, { agents: ["sandbox-agent"] });
  fx.sandbox.gitlab.addProject({ path: "platform/replaced", visibility: "private", members: [1] });
  service = await configured({
    torqueUrl: fx.sandbox.torque.url,
    torqueToken: { ...SECRET, value: fx.demo.torqueToken },
    enosApiGateway: fx.sandbox.enos.url,
    enosOrgId: fx.demo.enosOrgId,
    enosAppKey: fx.demo.enosAppKey,
    enosAppSecret: { ...SECRET, value: fx.demo.enosAppSecret },
  });
});

const gitlab = () => fx.sandbox.gitlab.url;
const spaces = () => [fx.demo.torqueSpace, OTHER_SPACE];

interface Kind {
  type: string;
  replaceOnChanges: string[];
  /** The inputs of the first object, for a test case numbered `n` (names no other case uses). */
  args(n: number): Record<string, unknown>;
  /** Another value of each replacing property. */
  changed(n: number): Record<string, unknown>;
  /** What the server holds for these inputs: the object (and what it owns beside it). */
  expected(args: Record<string, unknown>): string[];
  /** What the server holds of case `n`, whatever its version. */
  held(n: number): string[];
}

const kinds: Record<string, Kind> = {
  "enos:GitLabDataSource": {
    type: "gitlab-sources:enos:GitLabDataSource",
    replaceOnChanges: gitLabDataSourceSpec.replaceOnChanges,
    args: (n) => ({ name: `replaced_${n}`, gitUrl: `${gitlab()}/platform/infra`, token: fx.demo.gitlabToken, description: "before" }),
    changed: (n) => ({ name: `replaced_${n}_new` }),
    expected: (args) => [`${args.name} ${args.gitUrl}`],
    held: (n) => fx.sandbox.enos.dataSources().filter((d) => d.name.startsWith(`replaced_${n}`)).map((d) => `${d.name} ${d.gitUrl}`),
  },
  "torque:GitCredential": {
    type: "gitlab-sources:torque:GitCredential",
    replaceOnChanges: gitCredentialSpec.replaceOnChanges,
    args: (n) => ({ space: fx.demo.torqueSpace, name: `replaced-${n}`, token: fx.demo.gitlabToken, gitlabUrl: `${gitlab()}/` }),
    changed: (n) => ({ space: OTHER_SPACE, name: `replaced-${n}-new` }),
    expected: (args) => [`${args.space}/${args.name}`],
    held: (n) => spaces().flatMap((space) => fx.sandbox.torque.credentials(space).filter((c) => c.name.startsWith(`replaced-${n}`)).map((c) => `${space}/${c.name}`)),
  },
  "torque:SpaceRepository": {
    type: "gitlab-sources:torque:SpaceRepository",
    replaceOnChanges: spaceRepositorySpec.replaceOnChanges,
    args: (n) => ({ space: fx.demo.torqueSpace, repositoryName: `replaced-${n}`, repositoryUrl: `${gitlab()}/platform/infra`, token: fx.demo.gitlabToken }),
    changed: (n) => ({ space: OTHER_SPACE, repositoryName: `replaced-${n}-new`, repositoryUrl: `${gitlab()}/platform/replaced`, branch: "release", eacAutoRegistration: true }),
    // The repository, and the credential Torque stores its token under (`<repositoryName>-token`).
    expected: ({ space, repositoryName, repositoryUrl, branch = "main", eacAutoRegistration = false }) => [
      `${space}/${repositoryName} ${repositoryUrl} ${branch} eac=${eacAutoRegistration}`,
      `${space}/${repositoryName}-token (credential)`,
    ],
    held: (n) =>
      spaces().flatMap((space) => [
        ...fx.sandbox.torque.spaceRepositories(space).filter((r) => r.name.startsWith(`replaced-${n}`)).map((r) => `${space}/${r.name} ${r.repositoryUrl} ${r.branch} eac=${r.eacAutoRegistration}`),
        ...fx.sandbox.torque.credentials(space).filter((c) => c.name.startsWith(`replaced-${n}`)).map((c) => `${space}/${c.name} (credential)`),
      ]),
  },
};

/** Whether a change of `key` keeps every value the kind's API keeps unique, so the old object must go first. */
function keepsUniqueName(spec: { uniqueBy?: string | readonly string[] }, key: string): boolean {
  return spec.uniqueBy !== undefined && !([] as string[]).concat(spec.uniqueBy).includes(key);
}

const specs: Record<string, { uniqueBy?: string | readonly string[] }> = {
  "enos:GitLabDataSource": gitLabDataSourceSpec,
  "torque:GitCredential": gitCredentialSpec,
  "torque:SpaceRepository": spaceRepositorySpec,
};

const cases = Object.entries(kinds).flatMap(([kind, k]) => k.replaceOnChanges.map((key) => [kind, key, keepsUniqueName(specs[kind], key)] as const));

test("every replacing property of every kind has a case here", () => {
  expect(repositoryProviderSpec.replaceOnChanges).toEqual([]);
  expect(cases.map(([kind, key]) => `${kind}.${key}`)).toEqual([
    "enos:GitLabDataSource.name",
    "torque:GitCredential.space",
    "torque:GitCredential.name",
    "torque:SpaceRepository.space",
    "torque:SpaceRepository.repositoryName",
    "torque:SpaceRepository.repositoryUrl",
    "torque:SpaceRepository.branch",
    "torque:SpaceRepository.eacAutoRegistration",
  ]);
  // Deletes first exactly where the unique name stays.
  expect(cases.filter(([, , first]) => first).map(([kind, key]) => `${kind}.${key}`)).toEqual([
    "torque:SpaceRepository.repositoryUrl",
    "torque:SpaceRepository.branch",
    "torque:SpaceRepository.eacAutoRegistration",
  ]);
});

let serial = 0;
test.each(cases)("%s: a change of %s is a replace (delete first: %s); the server ends with the new object only", async (kind, key, deleteFirst) => {
  const k = kinds[kind];
  const n = ++serial;
  const args = k.args(n);
  const before: Held = await created(service, k.type, `r${n}`, args);
  expect(k.held(n)).toEqual(k.expected(args));

  const changedArgs = { ...args, [key]: k.changed(n)[key] };
  const news = await checked(service, k.type, `r${n}`, changedArgs, before.inputs);
  const diff = await diffed(service, before, news);
  expect(diff).toEqual({ changes: DIFF_SOME, replaces: [key], deleteBeforeReplace: deleteFirst, detailed: expect.objectContaining({ [key]: "UPDATE_REPLACE" }) });
  // Only the changed key replaces (a default derived from it, such as credentialName, is an update).
  expect(Object.entries(diff.detailed).filter(([, how]) => how !== "UPDATE")).toEqual([[key, "UPDATE_REPLACE"]]);

  const after = await replaced(service, before, news, diff.deleteBeforeReplace);
  expect(k.held(n)).toEqual(k.expected(changedArgs));
  expect(after.id === before.id).toBe(deleteFirst); // a new id wherever the unique name changed
  // What the engine then finds: nothing to do.
  expect(await diffed(service, after, news)).toMatchObject({ changes: DIFF_NONE, replaces: [] });

  await deleted(service, after);
  expect(k.held(n)).toEqual([]);
});
