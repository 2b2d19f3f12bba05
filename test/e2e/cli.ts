/**
 * Fresh Pulumi projects driven by the real `pulumi` CLI, as a user types its commands:
 * `await project.run("preview --refresh --expect-no-changes")`. Every project has its own
 * file backend, PULUMI_HOME and stack; commands run asynchronously (the sandbox servers live
 * in the test process) and their output is kept for assertions.
 */
import { ChildProcess, execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { NPM_INSTALL } from "./global-setup";
import { children, signal, tree, workingIn } from "./processes";

const repo = path.resolve(__dirname, "..", "..");
const RUNNER = path.join(__dirname, "runner.js");
const PASSPHRASE = "e2e-passphrase";

function fixture(name: "E2E_ROOT" | "E2E_TARBALL" | "E2E_WORKSPACE" | "E2E_CLI_DIR" | "E2E_PLUGIN_TARBALL"): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run through npm run test:e2e (jest.e2e.config.js sets it up)`);
  return value;
}

export interface Run {
  command: string;
  /** Exit code; null when a signal ended the CLI. */
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr as they came. */
  output: string;
  ms: number;
}

/** A command still running: interrupt it as Ctrl-C would, or kill it as an OOM kill or a cancelled job would. */
export interface Running {
  readonly output: () => string;
  readonly done: Promise<Run>;
  /** Ctrl-C in a terminal: SIGINT to the foreground process group (the CLI; its plugins have groups of their own). */
  interrupt(): void;
  /** SIGKILL of the CLI and everything it started, at once. */
  kill(): void;
}

/** A new folder `<parent>/<name>-<random>` (test files run in parallel workers). */
function fresh(parent: string, name: string): string {
  fs.mkdirSync(parent, { recursive: true });
  return fs.mkdtempSync(path.join(parent, `${name}-`));
}

const live = new Set<Project>();

/**
 * The plugin archive installPlugin installs, and whether the CLI's PATH has a node: by default
 * this platform's archive with the bundle and its launcher (global-setup.ts), under the PATH of
 * every project. useStandalonePlugin switches both, for the test file that calls it.
 */
const plugin = { archive: () => fixture("E2E_PLUGIN_TARBALL"), withoutNode: false };

/** Projects of this test file install this standalone archive, and their CLI runs with no node on PATH. */
export function useStandalonePlugin(archive: string): void {
  plugin.archive = () => archive;
  plugin.withoutNode = true;
}

export class Project {
  readonly stack = "e2e";
  private readonly home: string;
  private readonly backend: string;
  private readonly started = new Set<ChildProcess>();
  /** Everything every command printed, for the secret scan. */
  readonly transcript: Run[] = [];

  private constructor(readonly dir: string, readonly env: Record<string, string>) {
    const state = `${dir}.state`;
    this.home = path.join(state, "home");
    this.backend = path.join(state, "backend");
    fs.mkdirSync(this.home, { recursive: true });
    fs.mkdirSync(this.backend, { recursive: true });
    live.add(this);
  }

  /**
   * An example of examples/ as a user gets it: its files copied to a fresh folder and
   * `npm install` there, with this package's tarball in place of the registry version (or
   * those of another release, `from`).
   */
  static async example(name: string, from = { examples: path.join(repo, "examples"), tarball: fixture("E2E_TARBALL") }): Promise<Project> {
    const dir = fresh(path.join(fixture("E2E_ROOT"), "examples"), name);
    fs.cpSync(path.join(from.examples, name), dir, { recursive: true, force: true, filter: (src) => path.basename(src) !== "node_modules" });
    await promisify(execFile)("npm", [...NPM_INSTALL, from.tarball], { cwd: dir });
    return new Project(dir, {});
  }

  /**
   * A scenario program of test/e2e/programs/<name>, in the shared workspace that has the
   * tarball installed (type-checked by `npm test`, so it runs transpile-only).
   */
  static scenario(name: string): Project {
    return Project.program(path.join(__dirname, "programs", name), name);
  }

  /** The program in `folder` (its index.ts) as project `name`, in the shared workspace. */
  static program(folder: string, name: string): Project {
    const dir = fresh(fixture("E2E_WORKSPACE"), name);
    fs.cpSync(folder, dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, "Pulumi.yaml"),
      `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\nmain: index.ts\n`,
    );
    return new Project(dir, { PULUMI_NODEJS_TRANSPILE_ONLY: "true" });
  }

  /**
   * The folder copied as it is, its own Pulumi.yaml included (a program the CLI does not run
   * itself, such as an Automation API one), in the shared workspace.
   */
  static copy(folder: string, name: string): Project {
    const dir = fresh(fixture("E2E_WORKSPACE"), name);
    fs.cpSync(folder, dir, { recursive: true });
    return new Project(dir, {});
  }

  /** The environment the CLI runs in for this project: its backend, PULUMI_HOME and passphrase. */
  environment(): Record<string, string> {
    return { ...this.baseEnv(), ...this.env };
  }

  /**
   * `pulumi plugin install resource gitlab-sources <version> --file <archive>` in this
   * project's PULUMI_HOME, as a user without npm installs the plugin: by default this
   * release's archive (see useStandalonePlugin).
   */
  async installPlugin(archive = plugin.archive(), version = packageVersion()): Promise<Run> {
    return this.ok(["plugin", "install", "resource", "gitlab-sources", version, "--file", archive]);
  }

  /** `pulumi stack init` with these config values (secrets with --secret). */
  async init(plain: Record<string, string>, secret: Record<string, string> = {}, stack = this.stack): Promise<void> {
    await this.ok(["stack", "init", stack]);
    await this.setConfig(plain, secret);
  }

  async setConfig(plain: Record<string, string>, secret: Record<string, string> = {}, options: { path?: boolean } = {}): Promise<void> {
    const args = ["config", "set-all", ...(options.path ? ["--path"] : [])];
    for (const [k, v] of Object.entries(plain)) args.push("--plaintext", `${k}=${v}`);
    for (const [k, v] of Object.entries(secret)) args.push("--secret", `${k}=${v}`);
    await this.ok(args);
  }

  /** A command line as typed after `pulumi` (a string is split on spaces), with extra environment. */
  run(command: string | string[], env: Record<string, string> = {}): Promise<Run> {
    return this.start(command, env).done;
  }

  /** Like run, and fails the test with the CLI's output unless the command succeeded. */
  async ok(command: string | string[], env: Record<string, string> = {}): Promise<Run> {
    const result = await this.run(command, env);
    expectSuccess(result);
    return result;
  }

  start(command: string | string[], env: Record<string, string> = {}): Running {
    const args = typeof command === "string" ? command.split(/\s+/).filter(Boolean) : command;
    // The runner serves the program to the commands that run one, and passes the others through.
    const since = Date.now();
    const child = spawn(process.execPath, [RUNNER, ...args], { cwd: this.dir, env: { ...this.baseEnv(), ...this.env, ...env }, detached: true });
    this.started.add(child);
    let stdout = "";
    let stderr = "";
    let output = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => ((stdout += d), (output += d)));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => ((stderr += d), (output += d)));
    const done = new Promise<Run>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code) => {
        this.started.delete(child);
        const result = { command: args.join(" "), code, stdout, stderr, output, ms: Date.now() - since };
        this.transcript.push(result);
        if (process.env.E2E_TIMINGS === "1") console.log(`${this.name}: pulumi ${result.command} -> ${code} in ${result.ms} ms`);
        if (process.env.E2E_VERBOSE === "1") console.log(`${this.name}: pulumi ${result.command}\n${output}`);
        resolve(result);
      });
    });
    return {
      output: () => output,
      done,
      interrupt: () => signal([-child.pid!], "SIGINT"),
      kill: () => {
        // The runner's child is the CLI; the CLI's plugins are its children, in groups of their own.
        for (const cli of children(child.pid!)) signal(tree(cli), "SIGKILL");
      },
    };
  }

  /** `pulumi stack export`, parsed. */
  async exportState(): Promise<{ text: string; deployment: { resources?: StateResource[]; pending_operations?: { resource: StateResource; type: string }[] } }> {
    const { stdout } = await this.ok(["stack", "export"]);
    return { text: stdout, deployment: JSON.parse(stdout).deployment };
  }

  /** The resources in state by name (the URN's last part), without the stack and the default provider. */
  async resources(): Promise<Map<string, StateResource>> {
    const { deployment } = await this.exportState();
    const byName = new Map<string, StateResource>();
    for (const r of deployment.resources ?? []) if (r.custom && !r.type.startsWith("pulumi:")) byName.set(r.urn.split("::").pop()!, r);
    return byName;
  }

  /** The project's name, from its Pulumi.yaml. */
  get name(): string {
    return /^name:\s*(\S+)/m.exec(fs.readFileSync(path.join(this.dir, "Pulumi.yaml"), "utf8"))![1];
  }

  urn(type: string, name: string): string {
    return `urn:pulumi:${this.stack}::${this.name}::${type}::${name}`;
  }

  /** Every file of the backend (the state, its backups and history), as text. */
  backendFiles(): string[] {
    return (fs.readdirSync(this.backend, { recursive: true, encoding: "utf8" }) as string[])
      .map((f) => path.join(this.backend, f))
      .filter((f) => fs.statSync(f).isFile())
      .map((f) => fs.readFileSync(f, "utf8"));
  }

  /** Stops whatever is still running for this project, plugins left behind by a kill included. */
  dispose(): void {
    for (const child of this.started) signal(tree(child.pid!), "SIGKILL");
    signal(workingIn(this.dir), "SIGKILL");
    live.delete(this);
  }

  private baseEnv(): Record<string, string> {
    // Nothing from the test's environment beyond what runs programs: no credential leaks in.
    return {
      PATH: (plugin.withoutNode ? pathWithoutNode() : [fixture("E2E_CLI_DIR"), path.dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"]).join(path.delimiter),
      HOME: process.env.HOME ?? this.home,
      PULUMI_HOME: this.home,
      PULUMI_BACKEND_URL: `file://${this.backend}`,
      PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
  }
}

function packageVersion(): string {
  return (JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as { version: string }).version;
}

/** The CLI's folder alone, which must hold no node (a pulumi found on PATH may sit beside one). */
export function pathWithoutNode(): string[] {
  const dirs = [fixture("E2E_CLI_DIR")];
  const node = dirs.map((d) => path.join(d, "node")).find((f) => fs.existsSync(f));
  if (node) throw new Error(`${node} is beside the pulumi CLI: the scenarios without Node.js need a CLI folder without it (PULUMI_CLI_CACHE)`);
  return dirs;
}

export interface StateResource {
  urn: string;
  type: string;
  custom?: boolean;
  id?: string;
  /** The provider reference, `<provider urn>::<provider id>`. */
  provider?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  initErrors?: string[];
}

/** Call at the top level of a test file: stops every project's processes after its tests. */
export function disposeProjects(): void {
  afterAll(() => {
    for (const project of [...live]) project.dispose();
  });
}

/**
 * The last Diagnostics section of the output (an `up` prints the preview's, then the update's):
 * what it says about each resource, by name (the header `  <type> (<name>):`).
 */
export function diagnosticsByResource(run: Run): Map<string, string> {
  const at = run.output.lastIndexOf("\nDiagnostics:\n");
  const said = new Map<string, string>();
  if (at < 0) return said;
  let name: string | undefined;
  for (const line of run.output.slice(at).split("\n").slice(2)) {
    if (/^\S/.test(line)) break; // Outputs:, Resources:, ...
    const header = /^ {2}\S.* \((.+)\):$/.exec(line);
    if (header) name = header[1];
    else if (name !== undefined) said.set(name, `${said.get(name) ?? ""}${line}\n`);
  }
  return said;
}

/** What the last Diagnostics section says about one resource, '' when nothing. */
export function diagnostics(run: Run, name: string): string {
  return diagnosticsByResource(run).get(name) ?? "";
}

/** Fails the test, showing the command's output, unless it exited 0. */
export function expectSuccess(run: Run): void {
  if (run.code !== 0) throw new Error(`pulumi ${run.command} exited ${run.code}, expected success:\n${run.output}`);
}

/** Fails the test, showing the command's output, unless it failed. */
export function expectFailure(run: Run): void {
  if (run.code === 0) throw new Error(`pulumi ${run.command} succeeded, expected a failure:\n${run.output}`);
}
