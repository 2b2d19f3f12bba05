import * as fs from "node:fs";
import * as path from "node:path";
import { Project } from "./cli";
import { resetLogs, useE2eSandbox, writes } from "./sandbox";

/**
 * Replacements through the plugin under the real CLI, installed from its release tarball: for
 * each kind, a change of each property of its spec's replaceOnChanges is a replace in the
 * engine's plan; the engine deletes the old object first exactly where the unique name stays
 * (the name is still taken until then), else creates the new one first; the servers then hold
 * the new object only, the state names it, and `preview --expect-no-changes` is clean.
 */
const fx = useE2eSandbox();
const OTHER_SPACE = "replacements-b";
let project: Project;

/** The program's config: every replacing property of every kind. */
const initial = {
  dataSourceName: "replaced_source",
  credentialSpace: "",
  credentialName: "replaced-credential",
  repositorySpace: "",
  repositoryName: "replaced-repository",
  repositoryProject: "platform/infra",
  repositoryBranch: "main",
  repositoryEac: "false",
};
let config: typeof initial;

beforeAll(async () => {
  fx.sandbox.torque.addSpace(OTHER_SPACE, { agents: ["sandbox-agent"] });
  fx.sandbox.gitlab.addProject({ path: "platform/replaced", visibility: "private", members: [1] });
  config = { ...initial, credentialSpace: fx.demo.torqueSpace, repositorySpace: fx.demo.torqueSpace };
  project = Project.copy(path.join(__dirname, "programs", "replace-yaml"), "replace-yaml");
  await project.installPlugin();
  const provider = fx.packageConfig();
  const program = fx.programConfig();
  await project.init({ ...provider.plain, gitlabUrl: program.plain.gitlabUrl, ...config }, { ...provider.secret, ...program.secret });
  await project.ok("up --yes");
});

const spaces = () => [fx.demo.torqueSpace, OTHER_SPACE];

interface Kind {
  resource: string;
  type: string;
  /** What the servers hold for the current config: the object (and what it owns beside it), and the id the state should name. */
  expected(): { held: string[]; id: string | RegExp };
  held(): string[];
  creates: RegExp;
  deletes: RegExp;
}

const kinds: Record<string, Kind> = {
  dataSource: {
    resource: "dataSource",
    type: "gitlab-sources:enos:GitLabDataSource",
    expected: () => ({ held: [config.dataSourceName], id: fx.sandbox.enos.dataSources().find((d) => d.name === config.dataSourceName)?.dataSourceId ?? "none" }),
    held: () => fx.sandbox.enos.dataSources().map((d) => d.name),
    creates: /^EnOS create/,
    deletes: /^EnOS delete/,
  },
  credential: {
    resource: "credential",
    type: "gitlab-sources:torque:GitCredential",
    expected: () => ({ held: [`${config.credentialSpace}/${config.credentialName}`], id: `${config.credentialSpace}/${config.credentialName}` }),
    held: () => spaces().flatMap((space) => fx.sandbox.torque.credentials(space).filter((c) => c.name.startsWith("replaced-credential")).map((c) => `${space}/${c.name}`)),
    creates: /^Torque POST .*\/credentialstore$/,
    deletes: /^Torque DELETE .*\/credentialstore\/replaced-credential/,
  },
  repository: {
    resource: "repository",
    type: "gitlab-sources:torque:SpaceRepository",
    // The repository, and the credential Torque stores its token under (`<repositoryName>-token`).
    expected: () => ({
      held: [
        `${config.repositorySpace}/${config.repositoryName} ${fx.sandbox.gitlab.url}/${config.repositoryProject} ${config.repositoryBranch} eac=${config.repositoryEac}`,
        `${config.repositorySpace}/${config.repositoryName}-token (credential)`,
      ],
      id: `${config.repositorySpace}/${config.repositoryName}`,
    }),
    held: () =>
      spaces().flatMap((space) => [
        ...fx.sandbox.torque.spaceRepositories(space).map((r) => `${space}/${r.name} ${r.repositoryUrl} ${r.branch} eac=${r.eacAutoRegistration}`),
        ...fx.sandbox.torque.credentials(space).filter((c) => c.name.startsWith("replaced-repository")).map((c) => `${space}/${c.name} (credential)`),
      ]),
    creates: /^Torque POST .*\/repositories\/gitlabEnterprise$/,
    deletes: /^Torque DELETE .*\/repositories$/,
  },
};

/** Each replacing property of each kind (replaceOnChanges in provider/*\/*.schema.ts), the config key that sets it, its new value, and whether the old object goes first. */
const cases: [kind: string, property: string, deleteFirst: boolean, key: keyof typeof initial, value: () => string][] = [
  ["dataSource", "name", false, "dataSourceName", () => "replaced_source_2"],
  ["credential", "space", false, "credentialSpace", () => OTHER_SPACE],
  ["credential", "name", false, "credentialName", () => "replaced-credential-2"],
  ["repository", "space", false, "repositorySpace", () => OTHER_SPACE],
  ["repository", "repositoryName", false, "repositoryName", () => "replaced-repository-2"],
  ["repository", "repositoryUrl", true, "repositoryProject", () => "platform/replaced"],
  ["repository", "branch", true, "repositoryBranch", () => "release"],
  ["repository", "eacAutoRegistration", true, "repositoryEac", () => "true"],
];

test("the stack starts clean, each server holding what the config says", async () => {
  for (const kind of Object.values(kinds)) expect(kind.held()).toEqual(kind.expected().held);
  await project.ok("preview --expect-no-changes");
});

test.each(cases)("%s: a change of %s is a replace (delete first: %s); the servers end with the new object only", async (name, property, deleteFirst, key, value) => {
  const kind = kinds[name];
  const urn = project.urn(kind.type, kind.resource);
  config = { ...config, [key]: value() };
  await project.setConfig({ [key]: config[key] });

  // The engine's plan: this resource alone is replaced, for this property.
  const plan = JSON.parse((await project.ok("preview --json")).stdout) as { steps: { op: string; urn: string; replaceReasons?: string[] }[] };
  expect(plan.steps.filter((s) => s.op !== "same").map((s) => [s.op, s.urn, s.replaceReasons])).toEqual([["replace", urn, [property]]]);

  // The engine's steps, as its event log records them, and the servers' writes in the same order.
  resetLogs(fx.sandbox);
  const events = path.join(project.dir, `events-${property}.jsonl`);
  await project.ok(["up", "--yes", "--event-log", events], { PULUMI_DEBUG_COMMANDS: "true" }); // which offers --event-log
  expect(engineSteps(events, urn)).toEqual(deleteFirst ? ["delete-replaced", "replace", "create-replacement"] : ["create-replacement", "replace", "delete-replaced"]);
  const done = writes(fx.sandbox);
  const created = done.findIndex((w) => kind.creates.test(w));
  const deleted = done.findIndex((w) => kind.deletes.test(w));
  expect({ created: created >= 0, deleted: deleted >= 0, deletedFirst: deleted < created }).toEqual({ created: true, deleted: true, deletedFirst: deleteFirst });

  const { held, id } = kind.expected();
  expect(kind.held()).toEqual(held);
  expect((await project.resources()).get(kind.resource)?.id).toEqual(id);
  for (const other of Object.values(kinds)) expect(other.held()).toEqual(other.expected().held);
  await project.ok("preview --expect-no-changes");
});

/** The operations the engine started on a resource, in order (its event log's resourcePreEvents). */
function engineSteps(eventLog: string, urn: string): string[] {
  return fs
    .readFileSync(eventLog, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { resourcePreEvent?: { metadata: { op: string; urn: string } } })
    .flatMap((event) => (event.resourcePreEvent?.metadata.urn === urn ? [event.resourcePreEvent.metadata.op] : []));
}

test("destroy empties the servers", async () => {
  await project.ok("destroy --yes");
  for (const kind of Object.values(kinds)) expect(kind.held()).toEqual([]);
});
