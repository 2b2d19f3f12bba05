import { execFile, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import * as grpc from "@grpc/grpc-js";
import * as provrpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import * as tar from "tar";
import { SETTINGS, type SettingName } from "../../provider/core/context";
import { entries, SUMS } from "../../scripts/dist";
import { archiveName, home, hostPlatform, PLATFORMS, pluginDownloadUrl } from "../../scripts/project";
import { expectOk, pipInstall, pulumiRoot, pythonRequirements, pythonVenv, runProgram, type ProgramRun } from "./automation";
import { Project, type StateResource } from "./cli";
import { buildPreviousRelease, upgradeSteps, type PreviousRelease } from "./previous-release";
import { clearRegistrations, providerSettings, resetLogs, secondAccount, useE2eSandbox, writes, type Account } from "./sandbox";

/**
 * What `npm run release` put in dist/ (.ci/run runs it before this tier), as users get it:
 * the archives' names and contents, the launchers' one sentence when Node.js is missing, the
 * standalone executable with no node anywhere, the CLI downloading the plugin from a local
 * server standing in for the GitHub release (`pulumi plugin install` without --file, and a
 * Python program on the wheel in a fresh venv), and upgrades from the previous release of
 * CHANGELOG.md, built from its commit, in dynamic mode and with the plugin.
 */
const fx = useE2eSandbox();
const repo = path.resolve(__dirname, "..", "..");
const dist = path.join(repo, "dist");
const version = (JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as { version: string }).version;
const host = hostPlatform()!;
const PLUGIN = "pulumi-resource-gitlab-sources";
const exec = promisify(execFile);

let second: Account;
let releases: ReleaseServer;
let previous: Promise<PreviousRelease>;

beforeAll(async () => {
  previous = buildPreviousRelease(); // cached between runs; about two minutes the first time
  previous.catch(() => {}); // awaited by the upgrade tests
  second = await secondAccount(fx);
  releases = await releaseServer();
});

// Every scenario ends with nothing registered in either account, failed ones included.
afterEach(() => {
  clearRegistrations(fx);
  if (second) clearRegistrations(second);
});

afterAll(async () => {
  await second?.sandbox.close();
  releases?.close();
});

/** The GitHub release page of the public home, served from dist/ (`/<owner>/<name>/releases/download/v<version>/<asset>`). */
interface ReleaseServer {
  /** PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES: the schema's pluginDownloadURL, exactly, to this server. */
  overrides: string;
  /** The paths asked for. */
  requests: string[];
  close(): void;
}

async function releaseServer(): Promise<ReleaseServer> {
  const { owner, name } = home();
  const prefix = `/${owner}/${name}/releases/download/v${version}/`;
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? "");
    const asset = req.url?.startsWith(prefix) ? decodeURIComponent(req.url.slice(prefix.length)) : "";
    const file = path.join(dist, asset);
    if (!asset || asset.includes("/") || !fs.existsSync(file)) return void res.writeHead(404).end("Not Found");
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": fs.statSync(file).size });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/${owner}/${name}/releases/download/v\${VERSION}`;
  const exact = `^${pluginDownloadUrl().replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}$`;
  return { overrides: `${exact}=${url}`, requests, close: () => server.close() };
}

/** The CLI's environment for a download from the release server: automatic plugin acquisition on. */
const downloads = () => ({ PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "false", PULUMI_PLUGIN_DOWNLOAD_URL_OVERRIDES: releases.overrides });
const archiveAsked = (platform = host) => releases.requests.filter((r) => r.endsWith(`/${archiveName(platform)}`)).length;

describe("dist/", () => {
  test("holds the npm tarball, an archive per platform, the wheel and the sdist, and SHA256SUMS that sha256sum checks", async () => {
    expect(fs.readdirSync(dist).sort()).toEqual(
      [
        SUMS,
        `pulumi-gitlab-sources-${version}.tgz`,
        ...PLATFORMS.map((p) => `${PLUGIN}-v${version}-${p.os}-${p.arch}.tar.gz`),
        `pulumi_gitlab_sources-${version}-py3-none-any.whl`,
        `pulumi_gitlab_sources-${version}.tar.gz`,
      ].sort(),
    );
    execFileSync("sha256sum", ["--check", "--strict", "--quiet", SUMS], { cwd: dist });
    expect(fs.readFileSync(path.join(dist, SUMS), "utf8").trim().split("\n")).toHaveLength(9);
  });

  test("each archive holds at its top level the executable, schema.json of this version, LICENSE and README.md", async () => {
    const schema = fs.readFileSync(path.join(repo, "schema.json"), "utf8");
    const sizes: string[] = [];
    for (const platform of PLATFORMS) {
      const file = path.join(dist, archiveName(platform));
      const listed = await entries(file);
      const standalone = platform === host;
      const executable = platform.os === "windows" ? `${PLUGIN}.cmd` : PLUGIN;
      expect({ platform, files: listed.map((e) => e.path).sort() }).toEqual({
        platform,
        files: (standalone ? [PLUGIN] : [executable, "plugin.js"]).concat("LICENSE", "README.md", "schema.json").sort(),
      });
      const dir = fs.mkdtempSync(path.join(process.env.E2E_ROOT!, `archive-${platform.os}-${platform.arch}-`));
      await tar.extract({ file, cwd: dir });
      expect(fs.readFileSync(path.join(dir, "schema.json"), "utf8")).toBe(schema);
      expect(fs.readFileSync(path.join(dir, "LICENSE"), "utf8")).toBe(fs.readFileSync(path.join(repo, "LICENSE"), "utf8"));
      const bin = fs.readFileSync(path.join(dir, standalone ? PLUGIN : executable));
      if (standalone) expect(bin.subarray(0, 4).toString("latin1")).toBe("\x7fELF");
      else if (platform.os === "windows") expect(bin.toString("utf8")).toMatch(/^@echo off\r\n[\s\S]*node "%~dp0plugin\.js" %\*\r\n$/);
      else expect(bin.toString("utf8")).toMatch(/^#!\/bin\/sh\n[\s\S]*exec node "\$dir\/plugin\.js" "\$@"\n$/);
      if (platform.os !== "windows") expect(listed.find((e) => e.path === PLUGIN)!.mode & 0o111).toBe(0o111);
      sizes.push(`${platform.os}-${platform.arch} ${(fs.statSync(file).size / 1e6).toFixed(1)} MB${standalone ? ` (standalone, executable ${(bin.length / 1e6).toFixed(1)} MB)` : ""}`);
    }
    console.log(`archives: ${sizes.join(", ")}`);
  });

  test("the launcher says in one sentence what is missing: no node, or a node older than 20; with Node.js 20 it starts the plugin", async () => {
    const dir = fs.mkdtempSync(path.join(process.env.E2E_ROOT!, "launcher-"));
    await tar.extract({ file: path.join(dist, archiveName({ os: "linux", arch: "arm64" })), cwd: dir });
    const bin = fs.mkdtempSync(path.join(process.env.E2E_ROOT!, "launcher-path-"));
    for (const tool of ["dirname", "readlink"]) fs.symlinkSync(execFileSync("/bin/sh", ["-c", `command -v ${tool}`], { encoding: "utf8" }).trim(), path.join(bin, tool));
    const launch = (PATH: string) => exec(path.join(dir, PLUGIN), [], { env: { PATH } }).then(() => ({ code: 0, stderr: "" }), (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }));

    expect(await launch(bin)).toEqual({ code: 127, stderr: `${PLUGIN} needs Node.js 20 or later on PATH, and PATH has no node.\n` });
    const old = fs.mkdtempSync(path.join(process.env.E2E_ROOT!, "old-node-"));
    fs.writeFileSync(path.join(old, "node"), "#!/bin/sh\necho v18.19.1\n", { mode: 0o755 });
    expect(await launch([old, bin].join(path.delimiter))).toEqual({ code: 1, stderr: `${PLUGIN} needs Node.js 20 or later on PATH, and the node on PATH is v18.19.1.\n` });
    const port = await startPlugin(path.join(dir, PLUGIN), [path.dirname(process.execPath), bin].join(path.delimiter));
    expect(port.info).toBe(version);
  });

  test("the standalone executable runs with no node on PATH and answers GetPluginInfo with the version", async () => {
    const dir = fs.mkdtempSync(path.join(process.env.E2E_ROOT!, "standalone-"));
    await tar.extract({ file: path.join(dist, archiveName(host)), cwd: dir });
    const starts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = await startPlugin(path.join(dir, PLUGIN), "/nonexistent");
      expect(started.info).toBe(version);
      starts.push(started.ms);
    }
    console.log(`standalone executable: port printed after ${starts.join(", ")} ms (no node on PATH)`);
  });
});

/** Starts a plugin executable with this PATH, asks GetPluginInfo, stops it; the time until it printed its port. */
async function startPlugin(executable: string, PATH: string): Promise<{ info: string; ms: number }> {
  const started = Date.now();
  const child = spawn(executable, [], { cwd: os.tmpdir(), env: { PATH }, stdio: ["ignore", "pipe", "pipe"] });
  try {
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const port = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => ((out += d), out.includes("\n") && resolve(out.trim())));
      child.on("exit", (code) => reject(new Error(`${executable} exited (${code}) before printing its port: ${stderr}`)));
    });
    const ms = Date.now() - started;
    const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const info = await new Promise<string>((resolve, reject) => client.getPluginInfo(new Empty(), (err, res) => (err ? reject(err) : resolve(res!.getVersion()))));
    client.close();
    return { info, ms };
  } finally {
    child.kill();
  }
}

describe("the CLI downloads the plugin from the release (a local server in place of GitHub)", () => {
  test("pulumi plugin install resource gitlab-sources <version> --server <pluginDownloadURL>, into a PULUMI_HOME without it", async () => {
    const project = Project.copy(path.join(repo, "examples", "yaml"), "download");
    const before = archiveAsked();
    const installed = await project.ok(["plugin", "install", "resource", "gitlab-sources", version, "--server", pluginDownloadUrl()], downloads());
    expect(installed.output).toContain(`Downloading plugin gitlab-sources-${version}`);
    expect(archiveAsked()).toBe(before + 1);
    const { stdout } = await project.ok(["plugin", "ls", "--json"]);
    expect((JSON.parse(stdout) as { name: string; version: string }[]).map((p) => `${p.name} ${p.version}`)).toEqual([`gitlab-sources ${version}`]);
  });

  test("a Python program on the SDK from the wheel, in a fresh venv: pulumi up gets the plugin by itself", async () => {
    const python = await pythonVenv("python-wheel", [...pythonRequirements(path.join(repo, "examples", "python")), path.join(dist, `pulumi_gitlab_sources-${version}-py3-none-any.whl`)]);
    const project = Project.copy(path.join(repo, "examples", "python"), "python-wheel");
    const provider = fx.packageConfig();
    const program = fx.programConfig();
    await project.init({ ...provider.plain, ...program.plain }, { ...provider.secret, ...program.secret });
    const pulumi = pulumiRoot();
    const run = async (...args: string[]) => {
      const result = await runProgram(project, [python, "main.py"], args, pulumi, downloads());
      expectOk(result);
      return result;
    };

    const before = archiveAsked();
    expect((await run("up")).summary).toEqual({ create: 6 });
    expect(archiveAsked()).toBe(before + 1);
    const { deployment } = await project.exportState();
    const providers = (deployment.resources ?? []).filter((r) => r.type === "pulumi:providers:gitlab-sources");
    // The engine keeps the SDK's download URL under the provider's internal inputs.
    const internal = (p: StateResource) => (p.inputs?.__internal as { pluginDownloadURL?: string } | undefined)?.pluginDownloadURL;
    expect(providers.map((p) => [p.inputs?.version, internal(p)])).toEqual([[version, pluginDownloadUrl()]]);
    await run("preview", "--refresh", "--expect-no-changes");
    expect((await run("destroy")).summary).toEqual({ delete: 6 });
  });
});

/** The commands examples/python/main.py runs itself (the Automation API), as the CLI would. */
const PROGRAM_COMMANDS = new Set(["preview", "up", "refresh", "destroy"]);

/** `--stack <name>`: the program's and the CLI's way to name a stack. */
const onStack = (stack: string) => ["--stack", stack];

/** The ids of the stack's resources, by name. */
async function ids(project: Project, stack: string): Promise<Record<string, string | undefined>> {
  await project.ok(["stack", "select", stack]);
  const byName = await project.resources();
  return Object.fromEntries([...byName].map(([name, r]: [string, StateResource]) => [name, r.id]));
}

/**
 * After the changelog's steps, every resource of the stack records the account it was
 * registered in (state from 0.1.0 has none until a refresh reads it through 0.2.0).
 */
async function expectAccountsRecorded(project: Project): Promise<void> {
  const resources = await project.resources();
  expect([...resources].filter(([, r]) => !r.outputs?.account).map(([name]) => name)).toEqual([]);
}

/** What the sandboxes saw written that creates or deletes a registration (updates aside). */
const createsAndDeletes = () => [...writes(fx.sandbox), ...writes(second.sandbox)].filter((w) => /^(Torque (POST|DELETE)|EnOS (create|delete))/.test(w));

describe("upgrade from the previous release (CHANGELOG.md), as Pulumi's providers test it", () => {
  test("dynamic mode: a stack of examples/ci deployed by the old package; with the new one, preview proposes no replacement and no delete, up keeps every id, the drift check is clean; a second old stack is destroyed by the new package", async () => {
    const old = await previous;
    const project = await Project.example("ci", { examples: path.join(old.source, "examples"), tarball: old.tarball });
    const settings = (account: Account) => providerSettings((name) => SETTINGS[name as SettingName].legacy, account);
    const program = fx.programConfig();
    const first = settings({ sandbox: fx.sandbox, demo: fx.demo });
    const other = settings(second);
    await project.init({ ...other.plain, ...program.plain }, { ...other.secret, ...program.secret }, "gone");
    await project.ok(["up", "--yes", ...onStack("gone")]);
    await project.init({ ...first.plain, ...program.plain }, { ...first.secret, ...program.secret });
    await project.ok("up --yes");
    const before = await ids(project, project.stack);
    expect(Object.keys(before).sort()).toEqual(["gitlab", "gitlab-ci", "infra", "infra-stored", "model-assets", "models"]);

    // The upgrade, as a user makes it: the new package in the program's folder.
    await exec("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", process.env.E2E_TARBALL!], { cwd: project.dir });
    resetLogs(fx.sandbox);
    resetLogs(second.sandbox);
    for (const step of upgradeSteps("dynamic", "before-up")) await project.ok(step); // what the changelog tells users to do first
    const preview = await project.ok("preview --json");
    const steps = (JSON.parse(preview.stdout) as { steps: { op: string; urn: string }[] }).steps;
    expect(steps.filter((s) => !["same", "update"].includes(s.op)).map((s) => `${s.op} ${s.urn}`)).toEqual([]);
    await project.ok("up --yes");
    expect(await ids(project, project.stack)).toEqual(before);
    for (const step of upgradeSteps("dynamic", "after-up")) await project.ok(step); // and then
    await expectAccountsRecorded(project);
    await project.ok("preview --refresh --expect-no-changes");
    expect(createsAndDeletes()).toEqual([]);

    const destroyed = await project.ok(["destroy", "--yes", ...onStack("gone")]);
    expect(destroyed.output).toMatch(/\b7 deleted\b/); // the six resources and the stack
    expect(second.sandbox.enos.dataSources()).toEqual([]);
    expect(second.sandbox.torque.providers()).toEqual([]);
    expect(second.sandbox.torque.spaceRepositories(second.demo.torqueSpace)).toEqual([]);
    expect(second.sandbox.torque.credentials(second.demo.torqueSpace)).toEqual([]);
    await project.ok("destroy --yes");
  });

  test("the plugin: a Python program on the old SDK and plugin; with the new wheel (its plugin downloaded), preview proposes no replacement and no delete, up keeps every id, the drift check is clean; a second old stack is destroyed by the new plugin", async () => {
    const old = await previous;
    const oldSdk = path.join(process.env.E2E_ROOT!, "sdk-python-previous");
    fs.cpSync(path.join(old.source, "sdk", "python"), oldSdk, { recursive: true });
    const python = await pythonVenv("python-upgrade", [...pythonRequirements(path.join(repo, "examples", "python")), oldSdk]);
    const project = Project.copy(path.join(repo, "examples", "python"), "python-upgrade");
    await project.installPlugin(old.pluginArchive, old.version);
    const settings = (account: Account) => providerSettings((name) => `gitlab-sources:${name}`, account);
    const program = fx.programConfig();
    const first = settings({ sandbox: fx.sandbox, demo: fx.demo });
    const other = settings(second);
    await project.init({ ...other.plain, ...program.plain }, { ...other.secret, ...program.secret }, "gone");
    await project.init({ ...first.plain, ...program.plain }, { ...first.secret, ...program.secret });
    const pulumi = pulumiRoot();
    // The program's Automation API selects the stack it runs on: every run names its stack.
    const run = async (args: string[], env: Record<string, string> = {}): Promise<ProgramRun> => {
      const result = await runProgram(project, [python, "main.py"], args.includes("--stack") ? args : [...args, ...onStack(project.stack)], pulumi, env);
      expectOk(result);
      return result;
    };
    // What the changelog tells users to do: commands that run the program run it, others go to the CLI.
    const takeStep = (step: string[]) => (PROGRAM_COMMANDS.has(step[0]) ? run(step.filter((a) => a !== "--yes"), downloads()) : project.ok(step, downloads()));
    expect((await run(["up", ...onStack("gone")])).summary).toEqual({ create: 6 });
    expect((await run(["up"])).summary).toEqual({ create: 6 });
    const before = await ids(project, project.stack);
    expect(Object.keys(before).sort()).toEqual(["gitlab", "gitlab-ci", "infra", "models", "models-repository"]);

    // The upgrade: the new wheel in the program's venv; its plugin comes from the release.
    await pipInstall(python, [path.join(dist, `pulumi_gitlab_sources-${version}-py3-none-any.whl`)]);
    resetLogs(fx.sandbox);
    resetLogs(second.sandbox);
    const downloaded = archiveAsked();
    for (const step of upgradeSteps("plugin", "before-up")) await takeStep(step);
    const preview = await run(["preview"], downloads());
    expect(archiveAsked()).toBe(downloaded + 1);
    console.log(`plugin upgrade: preview ${JSON.stringify(preview.summary)}`);
    expect(Object.keys(preview.summary).filter((op) => !["same", "update"].includes(op))).toEqual([]);
    await run(["up"], downloads());
    expect(await ids(project, project.stack)).toEqual(before);
    for (const step of upgradeSteps("plugin", "after-up")) await takeStep(step);
    await expectAccountsRecorded(project);
    await run(["preview", "--refresh", "--expect-no-changes"], downloads());
    expect(createsAndDeletes()).toEqual([]);

    // The second stack's state names plugin 0.1.0, which the engine would load for it: the new
    // plugin goes on PATH, where the engine takes a plugin of any version before its own
    // (as Pulumi's providers run their tests on the provider just built), and says so.
    const ambient = fs.mkdtempSync(path.join(process.env.E2E_ROOT!, "ambient-"));
    await tar.extract({ file: path.join(dist, archiveName(host)), cwd: ambient });
    const destroyed = await run(["destroy", ...onStack("gone")], { PATH: [ambient, project.environment().PATH].join(path.delimiter) });
    expect(destroyed.output).toContain(`using ${PLUGIN} from $PATH at ${path.join(ambient, PLUGIN)}`);
    expect(destroyed.summary).toEqual({ delete: 6 });
    expect(second.sandbox.enos.dataSources()).toEqual([]);
    expect(second.sandbox.torque.providers()).toEqual([]);
    expect(second.sandbox.torque.spaceRepositories(second.demo.torqueSpace)).toEqual([]);
    expect(second.sandbox.torque.credentials(second.demo.torqueSpace)).toEqual([]);
    await run(["destroy"], downloads());
  });
});
