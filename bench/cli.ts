/**
 * The real-CLI figures of `npm run bench`: `pulumi up`, a no-op `pulumi preview` and
 * `pulumi refresh` of N resources of each kind, run by the real `pulumi` CLI (scripts/pulumi-cli.sh)
 * on the packed package in a fresh project, against the sandbox with a set latency; beside the
 * harness figures of bench/run.ts (same stack, same floor). Each phase also runs with no added
 * latency (the baseline: CLI, engine, program and provider host without API waits).
 * Prints a table and writes bench/results/cli-<N>.json.
 *
 * Environment: BENCH_CLI_N (per kind, default 200), BENCH_CLI_LATENCY_MS (50),
 * BENCH_PARALLEL (the CLI's --parallel, 16 as the harness), BENCH_TOKENS (5), BENCH_CLI_ENV
 * (variables for every pulumi command, `A=1,B=2`, e.g. PULUMI_SKIP_CHECKPOINTS=true).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { expectSuccess, Project } from "../test/e2e/cli";
import globalSetup from "../test/e2e/global-setup";
import globalTeardown from "../test/e2e/global-teardown";
import { startSandbox } from "../test/sandbox";
import { Floor, floors } from "./floor";
import { seed, SPACE, tokenCount } from "./run";

const n = Number(process.env.BENCH_CLI_N ?? 200);
const latencyMs = Number(process.env.BENCH_CLI_LATENCY_MS ?? 50);
const parallel = Number(process.env.BENCH_PARALLEL ?? 16);
const cliEnv = Object.fromEntries((process.env.BENCH_CLI_ENV ?? "").split(",").filter(Boolean).map((kv) => kv.split("=", 2)));

interface Phase {
  phase: string;
  command: string;
  floor: Floor;
}

interface Measured {
  phase: string;
  command: string;
  wallMs: number;
  baselineMs?: number;
  requests: { gitlab: number; enos: number; torque: number; total: number };
  /** Most requests in flight at once, per API. */
  peakInFlight: { gitlab: number; enos: number; torque: number };
  floor: Floor;
  floorMs: number;
}

function phases(): Phase[] {
  const f = floors({ n, tokens: tokenCount, projects: n, spaces: 1, changed: 0 });
  // --skip-preview: `pulumi up --yes` alone runs a preview first, in a provider host of its own.
  return [
    { phase: "up", command: `up --yes --skip-preview --parallel ${parallel}`, floor: f.up },
    { phase: "preview (no-op)", command: `preview --expect-no-changes --parallel ${parallel}`, floor: f.previewNoop },
    { phase: "refresh", command: `refresh --yes --skip-preview --expect-no-changes --parallel ${parallel}`, floor: f.refresh },
  ];
}

async function scenario(latency: number): Promise<Measured[]> {
  const sandbox = await startSandbox();
  const project = Project.program(path.join(__dirname, "cli-program"), "bench");
  try {
    const { tokens } = await seed(sandbox, n, latency);
    await project.init(
      { "torque:url": sandbox.torque.url, "enos:apiGateway": sandbox.enos.url, "enos:orgId": "o-bench", "enos:appKey": "bench-app", n: String(n), gitlabUrl: sandbox.gitlab.url, space: SPACE },
      { "torque:token": "torque-bench", "enos:appSecret": "bench-secret", gitlabTokens: JSON.stringify(tokens) },
    );
    const results: Measured[] = [];
    for (const { phase, command, floor } of phases()) {
      for (const server of [sandbox.gitlab, sandbox.torque, sandbox.enos]) server.resetLog();
      const run = await project.run(command, cliEnv);
      expectSuccess(run);
      const requests = { gitlab: sandbox.gitlab.requests.length, enos: sandbox.enos.requests.length, torque: sandbox.torque.requests.length, total: 0 };
      requests.total = requests.gitlab + requests.enos + requests.torque;
      const peakInFlight = { gitlab: sandbox.gitlab.peakInFlight, enos: sandbox.enos.peakInFlight, torque: sandbox.torque.peakInFlight };
      results.push({ phase, command, wallMs: run.ms, requests, peakInFlight, floor, floorMs: Math.round((floor.total / parallel) * latency) });
    }
    expectSuccess(await project.run("destroy --yes --skip-preview", cliEnv));
    return results;
  } finally {
    project.dispose();
    await sandbox.close();
  }
}

async function main(): Promise<void> {
  await globalSetup();
  try {
    const cli = execFileSync(path.join(process.env.E2E_CLI_DIR!, "pulumi"), ["version"], { encoding: "utf8" }).trim();
    const measured = await scenario(latencyMs);
    const baseline = await scenario(0);
    measured.forEach((m, i) => (m.baselineMs = baseline[i].wallMs));
    const env = process.env.BENCH_CLI_ENV ? `, ${process.env.BENCH_CLI_ENV}` : "";
    console.log(`\n## Real pulumi CLI ${cli}: N = ${n} per kind (${3 * n} resources), ${tokenCount} GitLab tokens, latency ${latencyMs} ms, --parallel ${parallel}${env}\n`);
    console.log("| phase | command | wall ms | baseline ms (0 latency) | GitLab | EnOS | Torque | floor GitLab/EnOS/Torque | requests / floor | peak in flight GitLab/EnOS/Torque | floor ms | wall - baseline ms |");
    console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (const m of measured) {
      const f = m.floor;
      console.log(`| ${[m.phase, `\`pulumi ${m.command}\``, m.wallMs, m.baselineMs, m.requests.gitlab, m.requests.enos, m.requests.torque, `${f.gitlab}/${f.enos}/${f.torque}`, (m.requests.total / Math.max(f.total, 1)).toFixed(2), `${m.peakInFlight.gitlab}/${m.peakInFlight.enos}/${m.peakInFlight.torque}`, m.floorMs, m.wallMs - m.baselineMs!].join(" | ")} |`);
    }
    const dir = path.join(__dirname, "results");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `cli-${n}${env ? "-env" : ""}.json`), JSON.stringify({ cli, n, latencyMs, parallel, tokens: tokenCount, env: cliEnv, phases: measured }, null, 2));
  } finally {
    globalTeardown();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
