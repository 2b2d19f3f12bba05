/**
 * `npm run bench:compare`: `up` and `destroy` of this build against another commit's, in one
 * session. The other commit (COMPARE_BASE, default: the last one whose HTTP layer was written
 * on node:http; `main`, or any commit, to compare with only this branch's changes between
 * them) is checked out into a temporary git work tree, installed with `npm ci` and built
 * there; both builds run under this tree's harness and sandbox. Each phase's provider host
 * runs its build's package; the program runs in the harness's one shared language host, on
 * the package of the build that ran first, so the program's side is the same for both. Runs
 * alternate A B B A A B ... (COMPARE_RUNS per build, default 3) so that a
 * drift of the machine's load weighs on both alike; the medians of wall time and of the
 * provider host's CPU time (less sensitive than wall time to other work on the machine),
 * request counts and the host's peak RSS are printed and written to
 * bench/results/compare-<N>.json.
 *
 * Environment: BENCH_N (one size, default 500), BENCH_LATENCY_MS, BENCH_PARALLEL, BENCH_TOKENS
 * as for `npm run bench`; COMPARE_KEEP=1 keeps the work tree (and its node_modules) for the
 * next comparison of the same commit.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import globalSetup from "../test/harness/global-setup";
import globalTeardown from "../test/harness/global-teardown";
import { startSandbox } from "../test/sandbox";
import { floors } from "./floor";
import { benchStack, latencyMs, measure, PhaseResult, program, round, seed, tokenCount } from "./run";

const NODE_HTTP_COMMIT = "c88d5d51ff6e65b79870b3cb13277df598c3c230";
const base = process.env.COMPARE_BASE ?? NODE_HTTP_COMMIT;
const n = Number(process.env.BENCH_N ?? 500);
const runs = Number(process.env.COMPARE_RUNS ?? 3);
const root = path.resolve(__dirname, "..");

type Measured = PhaseResult & { hostCpuMs: number };

interface Build {
  name: string;
  programDir: string;
  results: { up: Measured; destroy: Measured }[];
}

const clockTicks = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }));

/** CPU time of this process's children that have ended (Linux): each phase's provider host, which the harness stops and waits for. */
function endedChildrenCpuMs(): number {
  const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / clockTicks;
}

async function withHostCpu(run: () => Promise<PhaseResult>): Promise<Measured> {
  const before = endedChildrenCpuMs();
  const result = await run();
  return { ...result, hostCpuMs: Math.round(endedChildrenCpuMs() - before) };
}

const git = (...args: string[]) => execFileSync("git", args, { cwd: root, encoding: "utf8" }).trim();

/** The base commit built and packed into a program directory of its own work tree, by that tree's own test setup. */
function buildBase(sha: string): { tree: string; programDir: string } {
  const tree = path.join(os.tmpdir(), `pulumi-gitlab-sources-${sha.slice(0, 12)}`);
  if (!fs.existsSync(path.join(tree, "node_modules"))) {
    if (!fs.existsSync(tree)) git("worktree", "add", "--detach", tree, sha);
    execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: tree, stdio: "inherit" });
  }
  const setup = "require('./test/harness/global-setup').default(); process.stdout.write(process.env.PULUMI_GITLAB_SOURCES_PROGRAM_DIR)";
  const programDir = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", setup], {
    cwd: tree,
    encoding: "utf8",
    env: { ...process.env, TS_NODE_PROJECT: path.join(tree, "tsconfig.json") },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return { tree, programDir };
}

async function upAndDestroy(build: Build): Promise<void> {
  process.env.PULUMI_GITLAB_SOURCES_PROGRAM_DIR = build.programDir;
  const sandbox = await startSandbox();
  try {
    const { tokens } = await seed(sandbox, n, latencyMs);
    const stack = benchStack(sandbox);
    const floor = floors({ n, tokens: tokenCount, projects: n, spaces: 1, changed: 0 });
    const up = await withHostCpu(() => measure(sandbox, "up", floor.up, latencyMs, () => stack.up(program(sandbox, n, tokens, () => ""))));
    const destroy = await withHostCpu(() => measure(sandbox, "destroy", floor.destroy, latencyMs, () => stack.destroy()));
    build.results.push({ up, destroy });
    const line = (r: Measured) => `${r.wallMs} ms (host CPU ${r.hostCpuMs} ms, ${r.requests.total} requests, ${r.errors} errors)`;
    console.log(`${build.name}: up ${line(up)}, destroy ${line(destroy)}`);
  } finally {
    await sandbox.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function report(builds: [Build, Build]): void {
  const [a, b] = builds;
  console.log(`\n## ${b.name} against ${a.name}: N = ${n} per kind, latency ${latencyMs} ms, ${runs} runs each (medians)\n`);
  console.log(`| phase | ${a.name} wall ms | ${b.name} wall ms | change | ${a.name} host CPU ms | ${b.name} host CPU ms | change | ${a.name} requests | ${b.name} requests | ${a.name} host peak RSS MB | ${b.name} host peak RSS MB |`);
  console.log("|---|---|---|---|---|---|---|---|---|---|---|");
  const summary: Record<string, unknown> = {};
  const change = (x: number, y: number) => `${round((y / x - 1) * 100)}%`;
  for (const phase of ["up", "destroy"] as const) {
    const [wa, wb] = [a, b].map((x) => median(x.results.map((r) => r[phase].wallMs)));
    const [ca, cb] = [a, b].map((x) => median(x.results.map((r) => r[phase].hostCpuMs)));
    const [qa, qb] = [a, b].map((x) => x.results.map((r) => r[phase].requests.total).join("/"));
    const [ra, rb] = [a, b].map((x) => Math.max(...x.results.map((r) => r[phase].hostPeakRssMb)));
    console.log(`| ${phase} | ${wa} | ${wb} | ${change(wa, wb)} | ${ca} | ${cb} | ${change(ca, cb)} | ${qa} | ${qb} | ${ra} | ${rb} |`);
    summary[phase] = { [a.name]: { medianMs: wa, hostCpuMs: ca, requests: qa, peakRssMb: ra }, [b.name]: { medianMs: wb, hostCpuMs: cb, requests: qb, peakRssMb: rb } };
  }
  const dir = path.join(__dirname, "results");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `compare-${n}.json`), JSON.stringify({ n, latencyMs, runs, summary, builds }, null, 2));
}

async function main(): Promise<void> {
  const sha = git("rev-parse", base);
  const { tree, programDir: baseDir } = buildBase(sha);
  globalSetup();
  const builds: [Build, Build] = [
    { name: sha.slice(0, 7), programDir: baseDir, results: [] },
    { name: `${git("rev-parse", "--short=7", "HEAD")}${git("status", "--porcelain") ? "+" : ""}`, programDir: process.env.PULUMI_GITLAB_SOURCES_PROGRAM_DIR!, results: [] },
  ];
  try {
    for (let i = 0; i < runs; i++) {
      const order = i % 2 === 0 ? builds : [builds[1], builds[0]];
      for (const build of order) await upAndDestroy(build);
    }
    report(builds);
  } finally {
    process.env.PULUMI_GITLAB_SOURCES_PROGRAM_DIR = builds[1].programDir;
    globalTeardown();
    fs.rmSync(baseDir, { recursive: true, force: true });
    if (!process.env.COMPARE_KEEP) git("worktree", "remove", "--force", tree);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
