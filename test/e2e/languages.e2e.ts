import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { expectOk, pulumiRoot, pythonRequirements, pythonVenv, runProgram, type ProgramRun } from "./automation";
import { Project } from "./cli";
import { leakedSecrets } from "../support/fixture";
import { clearRegistrations, useE2eSandbox } from "./sandbox";

/**
 * The Python and Go programs of examples/ (on the SDKs generated into sdk/) under the real CLI,
 * with the plugin installed from its release tarball. Their language hosts cannot be had here,
 * so each program runs itself as an Automation API inline program, driving the CLI of
 * scripts/pulumi-cli.sh: `up` registers, a second `preview` proposes nothing, `refresh` finds
 * no drift, `destroy` empties the servers, and no credential reaches the state or the output.
 */
const fx = useE2eSandbox();
const repo = path.resolve(__dirname, "..", "..");
const exec = promisify(execFile);
const LANGUAGES = ["python", "go"] as const;
type Language = (typeof LANGUAGES)[number];

/**
 * Makes the program runnable, in the run's temporary folder only: the command line that runs
 * examples/<language> in its project folder (the program takes the command after it).
 */
const PREPARE: Record<Language, () => Promise<string[]>> = {
  // A venv with the example's requirements: `pulumi` from PyPI and the generated SDK (a copy of
  // sdk/python, which pip may build in place).
  python: async () => {
    const sdk = path.join(process.env.E2E_ROOT!, "sdk-python");
    fs.cpSync(path.join(repo, "sdk", "python"), sdk, { recursive: true });
    return [await pythonVenv("python-venv", [...pythonRequirements(path.join(repo, "examples", "python")), sdk]), "main.py"];
  },
  // The program built once, with the go.mod and go.sum as committed (-mod=readonly), into the
  // run's folder; Go's own caches keep the compiled packages.
  go: async () => {
    const binary = path.join(process.env.E2E_ROOT!, "go-example");
    await exec("go", ["build", "-o", binary, "."], {
      cwd: path.join(repo, "examples", "go"),
      env: { ...process.env, GOTOOLCHAIN: "local", GOFLAGS: "-mod=readonly" },
      maxBuffer: 1 << 26,
    });
    return [binary];
  },
};

function counts() {
  return {
    dataSources: fx.sandbox.enos.dataSources().length,
    providers: fx.sandbox.torque.providers().length,
    spaceRepositories: fx.sandbox.torque.spaceRepositories(fx.demo.torqueSpace).length,
    credentials: fx.sandbox.torque.credentials(fx.demo.torqueSpace).length - 1, // beside the seeded one
  };
}

afterEach(() => clearRegistrations(fx));

// Both programs made runnable at once (pip mostly waits on the network, go build on the CPU).
const prepared = {} as Record<Language, Promise<string[]>>;
const preparedIn = {} as Record<Language, number>;
beforeAll(() => {
  for (const language of LANGUAGES) {
    const started = Date.now();
    prepared[language] = PREPARE[language]().then((command) => ((preparedIn[language] = Date.now() - started), command));
    prepared[language].catch(() => {}); // awaited by the language's test, which fails with it
  }
});

describe.each(LANGUAGES)("examples/%s", (language) => {
  test("an Automation API program on the generated SDK: up, no-op preview, clean refresh, destroy, no credential in state", async () => {
    const timings: Record<string, number> = {};
    let since = Date.now();
    const lap = (name: string) => {
      timings[name] = Date.now() - since;
      since = Date.now();
    };

    const command = await prepared[language];
    lap("prepare (wait)");
    const project = Project.copy(path.join(repo, "examples", language), `${language}-example`);
    await project.installPlugin();
    const provider = fx.packageConfig();
    const program = fx.programConfig();
    await project.init({ ...provider.plain, ...program.plain }, { ...provider.secret, ...program.secret });
    lap("install plugin, init");
    const pulumi = pulumiRoot();
    const runs: ProgramRun[] = [];
    const step = async (...args: string[]) => {
      const run = await runProgram(project, command, args, pulumi);
      runs.push(run);
      expectOk(run);
      lap(args.join(" "));
      return run;
    };

    const up = await step("up");
    expect(up.summary).toEqual({ create: 6 }); // the five resources and the stack
    expect(counts()).toEqual({ dataSources: 1, providers: 1, spaceRepositories: 2, credentials: 1 });
    for (const r of fx.sandbox.torque.spaceRepositories(fx.demo.torqueSpace)) expect(r.status).toBe("Connected");

    expect((await step("preview", "--expect-no-changes")).summary).toEqual({ same: 6 });
    await step("refresh", "--expect-no-changes");

    const { text, deployment } = await project.exportState();
    // Python rehydrates the resources an output refers to (credential, repositoryProvider) through
    // the engine's builtin pulumi:pulumi:getResource, whose default provider is then in state too.
    const types = (deployment.resources ?? []).map((r) => r.type).filter((t) => t !== "pulumi:providers:pulumi");
    expect(types.sort()).toEqual([
      "gitlab-sources:enos:GitLabDataSource",
      "gitlab-sources:torque:GitCredential",
      "gitlab-sources:torque:RepositoryProvider",
      "gitlab-sources:torque:SpaceRepository",
      "gitlab-sources:torque:SpaceRepository",
      "pulumi:providers:gitlab-sources",
      "pulumi:pulumi:Stack",
    ]);
    expect(text).not.toContain("__provider"); // no serialized code: a plugin, not a dynamic provider
    expect(leakedSecrets([text], fx.secrets())).toEqual([]);
    lap("stack export");

    const destroy = await step("destroy");
    expect(destroy.summary).toEqual({ delete: 6 });
    expect(counts()).toEqual({ dataSources: 0, providers: 0, spaceRepositories: 0, credentials: 0 });
    expect(await project.resources()).toEqual(new Map());

    const printed = [...runs.map((r) => r.output), ...project.transcript.map((r) => r.output), ...project.backendFiles()];
    expect(leakedSecrets(printed, fx.secrets())).toEqual([]);
    console.log(`examples/${language}: prepared in ${(preparedIn[language] / 1000).toFixed(1)} s (beside the other language); ${Object.entries(timings).map(([k, ms]) => `${k} ${(ms / 1000).toFixed(1)} s`).join(", ")}`);
  });
});
