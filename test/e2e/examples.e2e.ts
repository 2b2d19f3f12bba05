import * as fs from "node:fs";
import * as path from "node:path";
import { expectSuccess, Project } from "./cli";
import { leakedSecrets } from "../support/fixture";
import { useE2eSandbox, writes, resetLogs, type E2eFixture } from "./sandbox";

/**
 * Every example of examples/ as a user runs it: installed from the packed package in a fresh
 * folder, then preview, up, a no-op preview, refresh and destroy under the real CLI.
 */
const fx = useE2eSandbox();
const EXAMPLES = path.resolve(__dirname, "..", "..", "examples");

interface ExampleRun {
  /** Stack config besides the provider's and the program's common keys. */
  config(fx: E2eFixture): { plain?: Record<string, string>; path?: Record<string, string> };
  /** The resources the program declares. */
  resources: number;
  /** What `up` registers on the servers. */
  registers: Counts;
}

/** Credentials count those of the space's store beside the one the sandbox seeds. */
type Counts = { dataSources: number; providers: number; spaceRepositories: number; credentials: number };

const RUNS: Record<string, ExampleRun> = {
  basic: { config: () => ({}), resources: 5, registers: { dataSources: 1, providers: 1, spaceRepositories: 2, credentials: 1 } },
  many: {
    config: (fx) => ({
      path: {
        "sources[0].project": "platform/infra",
        "sources[0].space": fx.demo.torqueSpace,
        "sources[1].project": "platform/ml/models",
        "sources[1].enos": "true",
        "sources[1].space": fx.demo.torqueSpace,
      },
    }),
    resources: 4,
    registers: { dataSources: 1, providers: 1, spaceRepositories: 2, credentials: 0 },
  },
  // Torque stores a credential for the repository with a token of its own.
  ci: { config: () => ({}), resources: 6, registers: { dataSources: 1, providers: 1, spaceRepositories: 3, credentials: 2 } },
};

/** The examples in other languages, and the test file that runs each under the real CLI with the plugin. */
const ELSEWHERE: Record<string, string> = { yaml: "yaml.e2e.ts", "yaml-accounts": "plugin.e2e.ts", python: "languages.e2e.ts", go: "languages.e2e.ts" };

const projects = fs.readdirSync(EXAMPLES).filter((name) => fs.existsSync(path.join(EXAMPLES, name, "Pulumi.yaml")));
/** The Node.js examples (a package.json): this file runs them. */
const examples = projects.filter((name) => fs.existsSync(path.join(EXAMPLES, name, "package.json")));

test("every folder of examples/ is a standalone Pulumi project that this file or another runs", () => {
  const folders = fs.readdirSync(EXAMPLES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  expect(projects.sort()).toEqual(folders.sort());
  for (const name of projects) expect(fs.existsSync(path.join(EXAMPLES, name, "README.md"))).toBe(true);
  expect(Object.keys(RUNS).sort()).toEqual(examples.sort());
  expect(projects.filter((name) => !examples.includes(name)).sort()).toEqual(Object.keys(ELSEWHERE).sort());
  for (const [name, file] of Object.entries(ELSEWHERE)) expect(fs.readFileSync(path.join(__dirname, file), "utf8")).toContain(`"examples", "${name}"`);
  for (const name of examples) {
    const manifest = JSON.parse(fs.readFileSync(path.join(EXAMPLES, name, "package.json"), "utf8"));
    expect(Object.keys(manifest.dependencies)).toEqual(expect.arrayContaining(["@pulumi/pulumi", "pulumi-gitlab-sources"]));
    expect(fs.existsSync(path.join(EXAMPLES, name, "README.md"))).toBe(true);
  }
});

function counts(): Counts {
  return {
    dataSources: fx.sandbox.enos.dataSources().length,
    providers: fx.sandbox.torque.providers().length,
    spaceRepositories: fx.sandbox.torque.spaceRepositories(fx.demo.torqueSpace).length,
    credentials: fx.sandbox.torque.credentials(fx.demo.torqueSpace).length - 1,
  };
}

const none: Counts = { dataSources: 0, providers: 0, spaceRepositories: 0, credentials: 0 };

describe.each(examples)("examples/%s", (name) => {
  test("installs, previews, deploys, stays clean, refreshes and destroys under the real CLI", async () => {
    const run = RUNS[name];
    const project = await Project.example(name);
    const provider = fx.packageConfig();
    const program = fx.programConfig();
    const extra = run.config(fx);
    await project.init({ ...provider.plain, ...program.plain, ...extra.plain }, { ...provider.secret, ...program.secret });
    if (extra.path) await project.setConfig(extra.path, {}, { path: true });
    expect(counts()).toEqual(none);
    resetLogs(fx.sandbox);

    const total = run.resources;
    const preview = await project.run("preview");
    expectSuccess(preview);
    expect(preview.stdout).toContain(`+ ${total + 1} to create`); // and the stack itself
    expect(writes(fx.sandbox)).toEqual([]);
    expect(await project.resources()).toEqual(new Map());

    const up = await project.run("up --yes");
    expectSuccess(up);
    expect(up.stdout).toContain(`+ ${total + 1} created`); // and the stack itself
    expect(counts()).toEqual(run.registers);
    for (const r of fx.sandbox.torque.spaceRepositories(fx.demo.torqueSpace)) expect(r.status).toBe("Connected");

    expectSuccess(await project.run("preview --expect-no-changes"));
    expectSuccess(await project.run("refresh --yes --expect-no-changes"));
    expectSuccess(await project.run("preview --expect-no-changes"));

    const destroy = await project.run("destroy --yes");
    expectSuccess(destroy);
    expect(counts()).toEqual(none);
    expect(await project.resources()).toEqual(new Map());

    expect(leakedSecrets([...project.transcript.map((r) => r.output), ...project.backendFiles()], fx.secrets())).toEqual([]);
  });
});
