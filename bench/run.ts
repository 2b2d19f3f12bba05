/**
 * `npm run bench`: the cost of each Pulumi command on a large stack, in API round trips
 * against the request floor, driving the real provider host through the test harness
 * against the sandbox with a set latency. Each phase starts a fresh provider host, as each
 * `pulumi` command does. Prints a table per stack size and writes bench/results/bench-<N>.json.
 *
 * Each scenario also runs with no added latency: that baseline is the Pulumi machinery's own
 * cost (program, gRPC to the provider host, which the floor does not count), so
 * `wall - baseline` is the time the API round trips added, compared with the floor time.
 *
 * Environment: BENCH_N (comma-separated sizes, default 500), BENCH_LATENCY_MS (20),
 * BENCH_PARALLEL (16), BENCH_TOKENS (5), BENCH_HOST_NODE_OPTIONS (NODE_OPTIONS of the provider
 * host, e.g. `--max-old-space-size=128`: V8 sizes its heap by the machine's memory, and on a
 * large machine lets garbage pile up well past what the host keeps alive).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import globalSetup from "../test/harness/global-setup";
import globalTeardown from "../test/harness/global-teardown";
import { changes, Declaration, OperationResult, Stack } from "../test/harness/stack";
import { Sandbox, startSandbox } from "../test/sandbox";
import { Floor, floors } from "./floor";

const sizes = (process.env.BENCH_N ?? "500").split(",").map(Number);
export const latencyMs = Number(process.env.BENCH_LATENCY_MS ?? 20);
const parallel = Number(process.env.BENCH_PARALLEL ?? 16);
export const tokenCount = Number(process.env.BENCH_TOKENS ?? 5);
const hostNodeOptions = process.env.BENCH_HOST_NODE_OPTIONS;
export const SPACE = "bench";

export interface PhaseResult {
  phase: string;
  wallMs: number;
  /** The same phase with no added latency. */
  baselineMs?: number;
  requests: { gitlab: number; enos: number; torque: number; total: number };
  floor: Floor;
  floorMs: number;
  requestRatio: number;
  timeRatio: number;
  hostPeakRssMb: number;
  errors: number;
  changes: number;
}

export async function seed(sandbox: Sandbox, n: number, latencyMs: number): Promise<{ tokens: string[] }> {
  const tokens = Array.from({ length: tokenCount }, (_, i) => `glpat-bench-${i}`);
  tokens.forEach((token, i) => sandbox.gitlab.addToken({ token, scopes: ["api", "read_user", "read_repository"], userId: i + 1 }));
  for (let i = 0; i < n; i++) sandbox.gitlab.addProject({ path: `bench/project-${i}`, visibility: "internal" });
  sandbox.torque.addApiToken("torque-bench", { admin: true });
  sandbox.torque.addSpace(SPACE, { agents: ["bench-agent"] });
  sandbox.enos.addApp({ appKey: "bench-app", appSecret: "bench-secret", orgId: "o-bench" });
  // The EnOS-side test is EnOS's work, not the provider's: keep its GitLab calls out of the count.
  sandbox.enos.testOverride = { success: true, message: "ok" };
  for (const server of [sandbox.gitlab, sandbox.torque, sandbox.enos]) server.latencyMs = latencyMs;
  return { tokens };
}

export function program(sandbox: Sandbox, n: number, tokens: string[], revision: (i: number) => string): Declaration[] {
  const root = sandbox.gitlab.url;
  const declarations: Declaration[] = [];
  for (let i = 0; i < n; i++) {
    const token = { $secret: tokens[i % tokens.length] };
    const project = `${root}/bench/project-${i}`;
    declarations.push(
      { kind: "enos:GitLabDataSource", name: `ds${i}`, args: { name: `ds_${i}`, gitUrl: project, token, description: `bench ${revision(i)}` } },
      { kind: "torque:RepositoryProvider", name: `provider${i}`, args: { name: `provider-${i}${revision(i)}`, baseUrl: `${root}/`, token } },
      { kind: "torque:SpaceRepository", name: `repo${i}`, args: { space: SPACE, repositoryName: `repo-${i}`, repositoryUrl: project, token, agents: revision(i) ? ["bench-agent"] : [] } },
    );
  }
  return declarations;
}

export async function measure(sandbox: Sandbox, phase: string, floor: Floor, latencyMs: number, run: () => Promise<OperationResult>): Promise<PhaseResult> {
  for (const server of [sandbox.gitlab, sandbox.torque, sandbox.enos]) server.resetLog();
  const started = process.hrtime.bigint();
  const result = await run();
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const requests = { gitlab: sandbox.gitlab.requests.length, enos: sandbox.enos.requests.length, torque: sandbox.torque.requests.length, total: 0 };
  requests.total = requests.gitlab + requests.enos + requests.torque;
  const floorMs = (floor.total / parallel) * latencyMs;
  return {
    phase,
    wallMs: Math.round(wallMs),
    requests,
    floor,
    floorMs: Math.round(floorMs),
    requestRatio: round(requests.total / Math.max(floor.total, 1)),
    timeRatio: round(wallMs / Math.max(floorMs, 1)),
    hostPeakRssMb: round(result.hostPeakRssBytes / 2 ** 20),
    errors: result.errors.length + result.programErrors.length,
    changes: changes(result).length,
  };
}

/** A stack of the benchmark's parallelism, configured for the seeded sandbox. */
export function benchStack(sandbox: Sandbox): Stack {
  return new Stack({
    parallel,
    env: hostNodeOptions ? { NODE_OPTIONS: hostNodeOptions } : undefined,
    programStackTraceLimit: 0,
    config: { "torque:url": sandbox.torque.url, "torque:token": "torque-bench", "enos:apiGateway": sandbox.enos.url, "enos:orgId": "o-bench", "enos:appKey": "bench-app", "enos:appSecret": "bench-secret" },
    secretConfig: ["torque:token", "enos:appSecret"],
  });
}

interface ScenarioResult {
  phases: PhaseResult[];
  stateBytesPerResource: number;
  providerBytes: number;
}

async function scenario(n: number, latencyMs: number): Promise<ScenarioResult> {
  const sandbox = await startSandbox();
  try {
    const { tokens } = await seed(sandbox, n, latencyMs);
    const stack = benchStack(sandbox);
    const initial = program(sandbox, n, tokens, () => "");
    const changedEvery = 10;
    const updated = program(sandbox, n, tokens, (i) => (i % changedEvery === 0 ? "-v2" : ""));
    const floor = floors({ n, tokens: tokens.length, projects: n, spaces: 1, changed: Math.ceil(n / changedEvery) });
    const phase = (name: string, f: Floor, run: () => Promise<OperationResult>) => measure(sandbox, name, f, latencyMs, run);
    const phases: PhaseResult[] = [];
    phases.push(await phase("preview (new stack)", floor.previewNew, () => stack.preview(initial)));
    phases.push(await phase("up", floor.up, () => stack.up(initial)));
    const state = stack.checkpoint();
    phases.push(await phase("preview (no-op)", floor.previewNoop, () => stack.preview(initial)));
    phases.push(await phase("refresh", floor.refresh, () => stack.refresh()));
    phases.push(await phase("up (update 10%)", floor.update, () => stack.up(updated)));
    phases.push(await phase("destroy", floor.destroy, () => stack.destroy()));
    const resources = JSON.parse(state).deployment.resources as { inputs: { __provider: string } }[];
    return {
      phases,
      stateBytesPerResource: Math.round(Buffer.byteLength(state) / resources.length),
      providerBytes: Math.max(...resources.map((r) => Buffer.byteLength(r.inputs.__provider))),
    };
  } finally {
    await sandbox.close();
  }
}

async function bench(n: number): Promise<void> {
  const measured = await scenario(n, latencyMs);
  const baseline = await scenario(n, 0);
  measured.phases.forEach((p, i) => {
    p.baselineMs = baseline.phases[i].wallMs;
  });
  report(n, measured);
}

function report(n: number, result: ScenarioResult): void {
  const rows = result.phases.map((r) => {
    const apiMs = r.wallMs - (r.baselineMs ?? 0);
    return [
      r.phase, r.wallMs, r.baselineMs, r.requests.gitlab, r.requests.enos, r.requests.torque,
      `${r.floor.gitlab}/${r.floor.enos}/${r.floor.torque}`, r.requestRatio, r.floorMs, r.timeRatio,
      apiMs, round(apiMs / Math.max(r.floorMs, 1)), r.hostPeakRssMb, r.errors, r.changes,
    ].join(" | ");
  });
  const options = hostNodeOptions ? `, host NODE_OPTIONS ${hostNodeOptions}` : "";
  console.log(`\n## N = ${n} per kind (${3 * n} resources), ${tokenCount} GitLab tokens, latency ${latencyMs} ms, parallelism ${parallel}${options}\n`);
  console.log("| phase | wall ms | baseline ms (0 latency) | GitLab | EnOS | Torque | floor GitLab/EnOS/Torque | requests / floor | floor ms | wall / floor | wall - baseline ms | (wall - baseline) / floor | host peak RSS MB | errors | changes |");
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const row of rows) console.log(`| ${row} |`);
  console.log(`\nstate: ${result.stateBytesPerResource} bytes per resource; __provider: ${result.providerBytes} bytes`);
  const dir = path.join(__dirname, "results");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `bench-${n}${hostNodeOptions ? "-node-options" : ""}.json`), JSON.stringify({ n, latencyMs, parallel, tokens: tokenCount, hostNodeOptions, ...result }, null, 2));
}

export function round(x: number): number {
  return Math.round(x * 100) / 100;
}

async function main(): Promise<void> {
  globalSetup();
  try {
    for (const n of sizes) await bench(n);
  } finally {
    globalTeardown();
  }
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
