/**
 * Plugin mode beside dynamic mode under the real `pulumi` CLI (`npm run bench:plugin`; also the
 * last part of `npm run bench`): the stack of bench/cli.ts (N of each kind sharing a few GitLab
 * tokens) run as
 *
 * - `dynamic`: bench/cli-program (the dynamic resources of the packed package), through the
 *   runner that serves a Node.js program to the CLI, exactly as bench/cli.ts runs it;
 * - `plugin`: a generated Pulumi YAML program of the same resources, served by the provider
 *   plugin (`bin/plugin/main.js` of the same packed package, behind a `pulumi-resource-gitlab-sources`
 *   wrapper named in Pulumi.yaml), run by the CLI's own YAML language host;
 * - `plugin+credentials`: the YAML program with N GitCredentials more (one per space repository,
 *   in the seeded space), each space repository connected with `credential: ${credN}` instead
 *   of a token of its own;
 * - `plugin+off`: the `plugin` program with `preflight: "off"` on every resource: the same
 *   provider with no preview checks, the floor of `plugin`'s (whose checks run in the steps of
 *   the preview and before each write); the table gives their ratios.
 *
 * Each mode runs a new stack's `preview`, `up`, a no-op `preview`, `refresh` and `destroy`
 * (the commands and `--parallel` of bench/cli.ts) against the sandbox with a set latency, then
 * again with none (the baseline). Per command: wall time from start to exit, requests per API and the most in
 * flight at once, and for the provider process (every one the command started: the plugin,
 * or the dynamic provider host) the peak RSS (`VmHWM` of /proc/<pid>/status) and CPU time,
 * sampled every 100 ms from /proc (the command's processes are those with a marker variable in
 * their environment, which the CLI passes on to its plugins; their role comes from the command
 * line); CPU of the program's process (runner or YAML language host) and of the CLI itself
 * beside it. Before `destroy`, `pulumi stack export`: bytes per resource
 * (the export as printed, and without its indentation, divided by every resource in it, stack
 * and provider included, as bench/run.ts counts) and whether it holds serialized code (`__provider`).
 * Prints one table per N, modes side by side, and writes bench/results/plugin-<N>.json.
 *
 * Environment: BENCH_PLUGIN_N (per kind, comma-separated for several; else BENCH_CLI_N; default
 * 200), BENCH_CLI_LATENCY_MS (50), BENCH_PARALLEL (16), BENCH_TOKENS (5), BENCH_PLUGIN_MODES
 * (comma-separated, default `dynamic,plugin,plugin+credentials,plugin+off`), BENCH_PLUGIN_BASELINE (`0`: skip the 0-latency runs),
 * BENCH_PLUGIN_ROUNDS (the modes run this many times at the set latency, every other round in
 * reverse order; the table shows the first round, the checks' cost every round),
 * BENCH_CLI_ENV (variables for every pulumi command, `A=1,B=2`, as bench/cli.ts).
 */
import { ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expectSuccess, Project, Run } from "../test/e2e/cli";
import globalSetup from "../test/e2e/global-setup";
import globalTeardown from "../test/e2e/global-teardown";
import { tree, signal } from "../test/e2e/processes";
import { Sandbox, startSandbox } from "../test/sandbox";
import { Floor, floors } from "./floor";
import { round, seed, SPACE, tokenCount } from "./run";

const sizes = String(process.env.BENCH_PLUGIN_N ?? process.env.BENCH_CLI_N ?? 200).split(",").map(Number);
const latencyMs = Number(process.env.BENCH_CLI_LATENCY_MS ?? 50);
const parallel = Number(process.env.BENCH_PARALLEL ?? 16);
const withBaseline = process.env.BENCH_PLUGIN_BASELINE !== "0";
/** Rounds of the modes at the set latency, every other one in reverse order: a machine's load shifts, and each mode gets both places. */
const rounds = Number(process.env.BENCH_PLUGIN_ROUNDS ?? 1);
const cliEnv = Object.fromEntries((process.env.BENCH_CLI_ENV ?? "").split(",").filter(Boolean).map((kv) => kv.split("=", 2)));
const MODES = ["dynamic", "plugin", "plugin+credentials", "plugin+off"] as const;
type Mode = (typeof MODES)[number];
const modes = (process.env.BENCH_PLUGIN_MODES ?? MODES.join(",")).split(",").map((m) => {
  if (!(MODES as readonly string[]).includes(m)) throw new Error(`BENCH_PLUGIN_MODES: unknown mode ${m} (${MODES.join(", ")})`);
  return m as Mode;
});
const PASSPHRASE = "bench-passphrase";
/** Marks every process a command starts (the CLI passes its environment to its plugins). */
const MARKER = "GITLAB_SOURCES_BENCH_RUN";

interface Phase {
  phase: string;
  command: string;
  floor?: Floor;
}

/** A new stack's preview, the commands of bench/cli.ts, and `destroy` at the same parallelism. */
function phases(mode: Mode, n: number): Phase[] {
  // The floors model the three kinds with a token each: not the GitCredential stack.
  const f = mode === "plugin+credentials" ? undefined : floors({ n, tokens: tokenCount, projects: n, spaces: 1, changed: 0, unchecked: mode === "plugin+off" });
  return [
    { phase: "preview (new stack)", command: `preview --parallel ${parallel}`, floor: f?.previewNew },
    { phase: "up", command: `up --yes --skip-preview --parallel ${parallel}`, floor: f?.up },
    { phase: "preview (no-op)", command: `preview --expect-no-changes --parallel ${parallel}`, floor: f?.previewNoop },
    { phase: "refresh", command: `refresh --yes --skip-preview --expect-no-changes --parallel ${parallel}`, floor: f?.refresh },
    { phase: "destroy", command: `destroy --yes --skip-preview --parallel ${parallel}`, floor: f?.destroy },
  ];
}

interface Usage {
  /** Highest VmHWM of any provider process of the command, MB. */
  providerPeakRssMb: number;
  /** Provider processes the command started (the YAML host has the CLI start one more, for the schema). */
  providerProcesses: number;
  /** CPU seconds (user + system), summed over the processes of each role, as last sampled. */
  cpuSeconds: { provider: number; program: number; cli: number };
}

interface Measured {
  phase: string;
  command: string;
  wallMs: number;
  requests: { gitlab: number; enos: number; torque: number; total: number };
  peakInFlight: { gitlab: number; enos: number; torque: number };
  floor?: Floor;
  usage: Usage;
}

interface ScenarioResult {
  mode: Mode;
  latencyMs: number;
  resources: number;
  phases: Measured[];
  stateBytes: number;
  stateBytesPerResource: number;
  /** The same state without the export's indentation. */
  compactBytesPerResource: number;
  serializedCode: boolean;
  /** The state of the first resource of each type, as exported (secrets are ciphertext). */
  samples: Record<string, unknown>;
}

type Role = keyof Usage["cpuSeconds"];

const TICKS = 100; // USER_HZ: /proc/<pid>/stat counts CPU time in 1/100 s on Linux

/**
 * The processes of one command, found by the marker in their environment, sampled from /proc
 * until stopped: what each is (provider, program, the CLI), its VmHWM and its CPU time.
 */
class Sampler {
  /** Processes looked at: whether they carry the marker (a process never gains or loses it). */
  private readonly ours = new Map<number, boolean>();
  /**
   * What each of ours is, by its command line as last seen: looked at on every tick, since a
   * process may be seen between fork and exec (as its parent), or as the plugin's sh wrapper
   * before it execs node.
   */
  private readonly roles = new Map<number, Role | null>();
  private readonly rssKb = new Map<number, number>();
  private readonly ticks = new Map<number, number>();
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly marker: string) {
    this.tick();
    this.timer = setInterval(() => this.tick(), 100);
  }

  stop(): Usage {
    clearInterval(this.timer);
    this.tick();
    const cpu = { provider: 0, program: 0, cli: 0 };
    let peakKb = 0;
    let providers = 0;
    for (const [pid, role] of this.roles) {
      if (!role) continue;
      cpu[role] += (this.ticks.get(pid) ?? 0) / TICKS;
      if (role === "provider") {
        providers++;
        peakKb = Math.max(peakKb, this.rssKb.get(pid) ?? 0);
      }
    }
    return {
      providerPeakRssMb: round(peakKb / 1024),
      providerProcesses: providers,
      cpuSeconds: { provider: round(cpu.provider), program: round(cpu.program), cli: round(cpu.cli) },
    };
  }

  private tick(): void {
    for (const entry of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const pid = Number(entry);
      if (!this.ours.has(pid)) this.ours.set(pid, this.marked(pid));
      if (!this.ours.get(pid)) continue;
      try {
        const role = this.role(pid);
        if (role === undefined) continue; // gone: what was sampled stands
        if (this.roles.get(pid) !== role) this.rssKb.delete(pid); // exec'd: the high-water mark of the program before does not count
        this.roles.set(pid, role);
        if (!role) continue;
        const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
        const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status);
        if (hwm) this.rssKb.set(pid, Math.max(this.rssKb.get(pid) ?? 0, Number(hwm[1])));
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" "); // fields from the 3rd (state) on
        this.ticks.set(pid, Number(fields[11]) + Number(fields[12])); // utime, stime: the 14th and 15th
      } catch {
        // exited since the last look: its last sample stands
      }
    }
  }

  private marked(pid: number): boolean {
    try {
      return fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").includes(`${MARKER}=${this.marker}`);
    } catch {
      return false; // gone, or not ours to read
    }
  }

  /** The role of a process of ours by its command line; null: none (sh wrappers, `node -e` finding the dynamic provider); undefined: gone. */
  private role(pid: number): Role | null | undefined {
    let argv: string[];
    try {
      argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    } catch {
      return undefined;
    }
    if (!argv.length) return undefined; // a zombie
    const exe = path.basename(argv[0]);
    const script = argv[1] ?? "";
    if (exe === "pulumi") return "cli";
    if (exe === "pulumi-language-yaml" || script.endsWith(`${path.sep}runner.js`)) return "program";
    if (script.endsWith(path.join("bin", "plugin", "main.js")) || script.includes(path.join("cmd", "dynamic-provider"))) return "provider";
    return null;
  }
}

/** What a benchmark drives: a project of the real CLI with its own backend and home. */
interface Driver {
  dir: string;
  run(command: string, env: Record<string, string>): Promise<Run>;
  exportState(): Promise<string>;
  dispose(): void;
}

/** Dynamic mode: bench/cli-program as bench/cli.ts runs it, with bench/cli.ts's config. */
async function dynamicProject(sandbox: Sandbox, tokens: string[], n: number): Promise<Driver> {
  const project = Project.program(path.join(__dirname, "cli-program"), "bench");
  await project.init(
    { "torque:url": sandbox.torque.url, "enos:apiGateway": sandbox.enos.url, "enos:orgId": "o-bench", "enos:appKey": "bench-app", n: String(n), gitlabUrl: sandbox.gitlab.url, space: SPACE },
    { "torque:token": "torque-bench", "enos:appSecret": "bench-secret", gitlabTokens: JSON.stringify(tokens) },
  );
  return {
    dir: project.dir,
    run: (command, env) => project.run(command, env),
    exportState: async () => (await project.exportState()).text,
    dispose: () => project.dispose(),
  };
}

/** The `pulumi-resource-gitlab-sources` wrapper: the packed package's plugin, run by this node. */
function pluginFolder(): string {
  const dir = path.join(process.env.E2E_ROOT!, "plugin");
  const main = path.join(process.env.E2E_WORKSPACE!, "node_modules", "pulumi-gitlab-sources", "bin", "plugin", "main.js");
  if (!fs.existsSync(main)) throw new Error(`no plugin in the packed package: ${main}`);
  fs.mkdirSync(dir, { recursive: true });
  const wrapper = path.join(dir, "pulumi-resource-gitlab-sources");
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(main)} "$@"\n`, { mode: 0o755 });
  return dir;
}

/** The YAML program: the resources of bench/cli-program, optionally with a GitCredential per space repository, or without preview checks. */
function yamlProgram(root: string, tokens: string[], n: number, mode: Mode, plugin: string): string {
  const credentials = mode === "plugin+credentials";
  const off = mode === "plugin+off" ? ["      preflight: off"] : [];
  const q = (s: string) => JSON.stringify(s);
  const lines = ["name: bench-plugin", "runtime: yaml", "plugins:", "  providers:", "    - name: gitlab-sources", `      path: ${q(plugin)}`, "variables:"];
  tokens.forEach((token, t) => lines.push(`  token${t}:`, `    fn::secret: ${q(token)}`));
  lines.push("resources:");
  for (let i = 0; i < n; i++) {
    const token = `\${token${i % tokens.length}}`;
    const project = `${root}/bench/project-${i}`;
    lines.push(
      `  ds${i}:`, "    type: gitlab-sources:enos:GitLabDataSource", "    properties:",
      `      name: ${q(`ds_${i}`)}`, `      gitUrl: ${q(project)}`, `      token: ${token}`, `      description: ${q("bench ")}`, ...off,
      `  provider${i}:`, "    type: gitlab-sources:torque:RepositoryProvider", "    properties:",
      `      name: ${q(`provider-${i}`)}`, `      baseUrl: ${q(`${root}/`)}`, `      token: ${token}`, ...off,
    );
    if (credentials) {
      lines.push(
        `  cred${i}:`, "    type: gitlab-sources:torque:GitCredential", "    properties:",
        `      space: ${q(SPACE)}`, `      name: ${q(`cred-${i}`)}`, `      token: ${token}`, `      gitlabUrl: ${q(`${root}/`)}`,
      );
    }
    lines.push(
      `  repo${i}:`, "    type: gitlab-sources:torque:SpaceRepository", "    properties:",
      `      space: ${q(SPACE)}`, `      repositoryName: ${q(`repo-${i}`)}`, `      repositoryUrl: ${q(project)}`,
      credentials ? `      credential: \${cred${i}}` : `      token: ${token}`,
      "      agents: []",
      ...off,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** Plugin mode: the YAML program in a fresh folder, driven by the CLI directly (its YAML language host runs it). */
async function yamlProject(sandbox: Sandbox, tokens: string[], n: number, mode: Mode): Promise<Driver> {
  const dir = fs.mkdtempSync(path.join(process.env.E2E_ROOT!, "bench-plugin-"));
  const state = `${dir}.state`;
  fs.mkdirSync(path.join(state, "home"), { recursive: true });
  fs.mkdirSync(path.join(state, "backend"), { recursive: true });
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), yamlProgram(sandbox.gitlab.url, tokens, n, mode, pluginFolder()));
  const baseEnv = {
    // As test/e2e/cli.ts gives its projects: nothing else from this process's environment.
    PATH: [process.env.E2E_CLI_DIR!, path.dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(path.delimiter),
    HOME: process.env.HOME ?? path.join(state, "home"),
    PULUMI_HOME: path.join(state, "home"),
    PULUMI_BACKEND_URL: `file://${path.join(state, "backend")}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
  };
  const started = new Set<ChildProcess>();
  const run = (args: string[], env: Record<string, string> = {}): Promise<Run> => {
    const since = Date.now();
    const child = spawn(path.join(process.env.E2E_CLI_DIR!, "pulumi"), args, { cwd: dir, env: { ...baseEnv, ...env }, detached: true });
    started.add(child);
    let stdout = "";
    let stderr = "";
    let output = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => ((stdout += d), (output += d)));
    child.stderr!.setEncoding("utf8").on("data", (d: string) => ((stderr += d), (output += d)));
    return new Promise<Run>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code) => {
        started.delete(child);
        resolve({ command: args.join(" "), code, stdout, stderr, output, ms: Date.now() - since });
      });
    });
  };
  const ok = async (args: string[]): Promise<Run> => {
    const result = await run(args);
    expectSuccess(result);
    return result;
  };
  await ok(["stack", "init", "bench"]);
  const config: [string, string, boolean][] = [
    ["gitlab-sources:torqueUrl", sandbox.torque.url, false],
    ["gitlab-sources:torqueToken", "torque-bench", true],
    ["gitlab-sources:enosApiGateway", sandbox.enos.url, false],
    ["gitlab-sources:enosOrgId", "o-bench", false],
    ["gitlab-sources:enosAppKey", "bench-app", false],
    ["gitlab-sources:enosAppSecret", "bench-secret", true],
  ];
  await ok(["config", "set-all", ...config.flatMap(([k, v, secret]) => [secret ? "--secret" : "--plaintext", `${k}=${v}`])]);
  return {
    dir,
    run: (command, env) => run(command.split(/\s+/).filter(Boolean), env),
    exportState: async () => (await ok(["stack", "export"])).stdout,
    dispose: () => {
      for (const child of started) signal(tree(child.pid!), "SIGKILL");
      fs.rmSync(dir, { recursive: true, force: true });
      fs.rmSync(state, { recursive: true, force: true });
    },
  };
}

let runs = 0;

async function scenario(mode: Mode, latency: number, n: number): Promise<ScenarioResult> {
  const sandbox = await startSandbox();
  let project: Driver | undefined;
  try {
    const { tokens } = await seed(sandbox, n, latency);
    project = mode === "dynamic" ? await dynamicProject(sandbox, tokens, n) : await yamlProject(sandbox, tokens, n, mode);
    const measured: Measured[] = [];
    let state = "";
    for (const { phase, command, floor } of phases(mode, n)) {
      if (phase === "destroy") state = await project.exportState();
      for (const server of [sandbox.gitlab, sandbox.torque, sandbox.enos]) server.resetLog();
      const marker = `${process.pid}-${++runs}`;
      const sampler = new Sampler(marker);
      const run = await project.run(command, { ...cliEnv, [MARKER]: marker });
      const usage = sampler.stop();
      expectSuccess(run);
      const requests = { gitlab: sandbox.gitlab.requests.length, enos: sandbox.enos.requests.length, torque: sandbox.torque.requests.length, total: 0 };
      requests.total = requests.gitlab + requests.enos + requests.torque;
      const peakInFlight = { gitlab: sandbox.gitlab.peakInFlight, enos: sandbox.enos.peakInFlight, torque: sandbox.torque.peakInFlight };
      measured.push({ phase, command, wallMs: run.ms, requests, peakInFlight, floor, usage });
      console.log(`${mode}, N = ${n}, ${latency} ms: pulumi ${command}: ${run.ms} ms, ${requests.total} requests, provider peak RSS ${usage.providerPeakRssMb} MB`);
    }
    const left = sandbox.enos.dataSources().length + sandbox.torque.providers().length + sandbox.torque.spaceRepositories(SPACE).length + sandbox.torque.credentials(SPACE).length;
    if (left) throw new Error(`${mode}: destroy left ${left} registrations in the sandbox`);
    const resources = (JSON.parse(state).deployment.resources ?? []) as { type: string }[];
    const samples: Record<string, unknown> = {};
    for (const r of resources) samples[r.type] ??= r;
    return {
      mode,
      latencyMs: latency,
      resources: resources.length,
      phases: measured,
      stateBytes: Buffer.byteLength(state),
      stateBytesPerResource: Math.round(Buffer.byteLength(state) / resources.length),
      compactBytesPerResource: Math.round(Buffer.byteLength(JSON.stringify(JSON.parse(state))) / resources.length),
      serializedCode: state.includes("__provider"),
      samples,
    };
  } finally {
    project?.dispose();
    await sandbox.close();
  }
}

function table(results: ScenarioResult[], baselines: ScenarioResult[]): string[] {
  const cols = results.map((r) => r.mode);
  const row = (label: string, cell: (r: ScenarioResult, i: number) => string) => `| ${label} | ${results.map(cell).join(" | ")} |`;
  const lines = [`| figure | ${cols.join(" | ")} |`, `|---|${cols.map(() => "---").join("|")}|`];
  lines.push(row("resources in state (stack and provider included)", (r) => String(r.resources)));
  results[0].phases.forEach(({ phase }, p) => {
    const at = (r: ScenarioResult) => r.phases[p];
    lines.push(row(`${phase}: wall ms, ${latencyMs} ms latency${baselines.length ? " / none" : ""}`, (r, i) => `${at(r).wallMs}${baselines[i] ? ` / ${baselines[i].phases[p].wallMs}` : ""}`));
    lines.push(row(`${phase}: requests GitLab/EnOS/Torque (floor)`, (r) => {
      const m = at(r);
      return `${m.requests.gitlab}/${m.requests.enos}/${m.requests.torque}${m.floor ? ` (${m.floor.gitlab}/${m.floor.enos}/${m.floor.torque})` : ""}`;
    }));
    lines.push(row(`${phase}: peak in flight GitLab/EnOS/Torque`, (r) => `${at(r).peakInFlight.gitlab}/${at(r).peakInFlight.enos}/${at(r).peakInFlight.torque}`));
    lines.push(row(`${phase}: provider peak RSS MB (processes)`, (r) => `${at(r).usage.providerPeakRssMb} (${at(r).usage.providerProcesses})`));
    lines.push(row(`${phase}: CPU s provider/program/CLI`, (r) => {
      const c = at(r).usage.cpuSeconds;
      return `${c.provider}/${c.program}/${c.cli}`;
    }));
  });
  lines.push(row("state bytes per resource: `pulumi stack export` / without indentation", (r) => `${r.stateBytesPerResource} / ${r.compactBytesPerResource}`));
  lines.push(row("serialized code in state", (r) => (r.serializedCode ? "yes (`__provider`)" : "no")));
  return lines;
}

/**
 * What the preview checks add: wall time of `plugin` (checks in the steps) against `plugin+off`
 * (none), per phase: each round's, and the ratio of their medians.
 */
function checkCost(results: ScenarioResult[]): string[] {
  const strict = results.filter((r) => r.mode === "plugin");
  const off = results.filter((r) => r.mode === "plugin+off");
  if (strict.length === 0 || off.length === 0) return [];
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const lines = ["| phase | checks (`plugin`), ms | no checks (`plugin+off`), ms | ratio of medians |", "|---|---|---|---|"];
  strict[0].phases.forEach(({ phase }, p) => {
    const [a, b] = [strict.map((r) => r.phases[p].wallMs), off.map((r) => r.phases[p].wallMs)];
    lines.push(`| ${phase} | ${a.join(", ")} | ${b.join(", ")} | ${round(median(a) / median(b))} |`);
  });
  return lines;
}

async function main(): Promise<void> {
  await globalSetup();
  try {
    const cli = execFileSync(path.join(process.env.E2E_CLI_DIR!, "pulumi"), ["version"], { encoding: "utf8" }).trim();
    const started = new Date().toISOString();
    const load = () => fs.readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
    const env = process.env.BENCH_CLI_ENV ? `, ${process.env.BENCH_CLI_ENV}` : "";
    const printed: string[] = [];
    for (const n of sizes) {
      const loads = [load()];
      const results: ScenarioResult[] = [];
      for (let r = 0; r < rounds; r++) for (const mode of r % 2 ? [...modes].reverse() : modes) results.push(await scenario(mode, latencyMs, n)), loads.push(load());
      const baselines: ScenarioResult[] = [];
      if (withBaseline) for (const mode of modes) baselines.push(await scenario(mode, 0, n)), loads.push(load());
      printed.push(
        `\n## Plugin and dynamic mode under the real pulumi CLI ${cli}: N = ${n} per kind, ${tokenCount} GitLab tokens, latency ${latencyMs} ms${withBaseline ? " (and none)" : ""}, --parallel ${parallel}${env}\n`,
        `${started}, ${require("node:os").cpus().length} CPUs, load average (1 min, 5 min, 15 min) before and after each mode: ${loads.join("; ")}\n`,
        ...table(results.slice(0, modes.length), baselines),
        "",
        ...checkCost(results),
      );
      const dir = path.join(__dirname, "results");
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `plugin-${n}${env ? "-env" : ""}.json`), JSON.stringify({ cli, started, loads, n, latencyMs, parallel, tokens: tokenCount, env: cliEnv, results, baselines }, null, 2));
    }
    for (const line of printed) console.log(line);
  } finally {
    globalTeardown();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
