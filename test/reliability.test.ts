import { createHash } from "node:crypto";
import type { RandomFaultKind } from "./sandbox";
import { changes, Declaration, OperationResult, Stack } from "./harness/stack";
import { leakedSecrets, useSandbox } from "./support/fixture";

/**
 * Unattended runs against flaky APIs: with 20% of requests failing in every way the sandbox
 * can fail (seeded), re-running `up` as a user's CI would converges to exactly one record per
 * resource, with nothing orphaned, duplicated or leaked.
 */
const fx = useSandbox();
const N = 30;
const SPACE = "reliability";
const kinds: RandomFaultKind[] = ["status", "rateLimit", "reset", "lostResponse", "delay", "truncated"];
const everything: string[] = [];

function declarations(): Declaration[] {
  const root = fx.sandbox.gitlab.url;
  const token = { $secret: fx.demo.gitlabToken };
  return Array.from({ length: N }, (_, i) => {
    const project = `${root}/reliability/project-${i}`;
    return [
      { kind: "enos:GitLabDataSource", name: `ds${i}`, args: { name: `reliability_${i}`, gitUrl: project, token, description: `source ${i}` } },
      { kind: "torque:RepositoryProvider", name: `provider${i}`, args: { name: `reliability-${i}`, baseUrl: `${root}/`, token } },
      { kind: "torque:SpaceRepository", name: `repo${i}`, args: { space: SPACE, repositoryName: `repo-${i}`, repositoryUrl: project, token } },
    ];
  }).flat();
}

const servers = () => ({ gitlab: fx.sandbox.gitlab, torque: fx.sandbox.torque, enos: fx.sandbox.enos });

function faults(on: boolean): void {
  Object.values(servers()).forEach((server, i) => {
    server.resetLog();
    if (on) server.faults.random({ seed: 20261121 + i, rate: 0.2, kinds, delayMs: 1500 });
    else server.faults.off();
  });
}

/** The faults each server injected since faults were switched on, by kind: the runs met them, or they prove nothing. */
function injected(): Record<string, Record<string, number>> {
  return Object.fromEntries(
    Object.entries(servers()).map(([name, server]) => {
      const counts: Record<string, number> = {};
      for (const { fault } of server.requests) if (fault) counts[fault] = (counts[fault] ?? 0) + 1;
      return [name, counts];
    }),
  );
}

/** The servers that injected faults. */
const faulted = (counts: Record<string, Record<string, number>>) => Object.keys(counts).filter((name) => Object.keys(counts[name]).length > 0);
/** The kinds of fault injected, on any server (requests vary from run to run, so not every kind on every server). */
const kindsInjected = (counts: Record<string, Record<string, number>>) => [...new Set(Object.values(counts).flatMap(Object.keys))].sort();

/** Runs an operation again while the engine reports failures, as a user's CI retry would. */
async function converge(operation: () => Promise<OperationResult>): Promise<number> {
  for (let run = 1; run <= 10; run++) {
    const result = await operation();
    everything.push(result.hostStdout, result.hostStderr, ...result.errors.map((e) => e.message), ...result.programErrors);
    if (result.errors.length === 0 && result.programErrors.length === 0) return run;
  }
  throw new Error("did not converge in 10 runs");
}

function records() {
  return {
    dataSources: fx.sandbox.enos.dataSources().filter((d) => d.name.startsWith("reliability_")).map((d) => d.name).sort(),
    providers: fx.sandbox.torque.providers().filter((p) => p.name.startsWith("reliability-")).map((p) => p.name).sort(),
    repositories: fx.sandbox.torque.spaceRepositories(SPACE).map((r) => r.name).sort(),
  };
}

/** The EnOS access token the provider was given: the token service hands the same one out while it is valid. */
async function currentEnosAccessToken(): Promise<string> {
  const timestamp = Date.now();
  const { enosAppKey: appKey, enosAppSecret: appSecret } = fx.demo;
  const encryption = createHash("sha256").update(`${appKey}${timestamp}${appSecret}`).digest("hex");
  const res = await fetch(`${fx.sandbox.enos.url}/apim-token-service/v2.0/token/get`, {
    method: "POST",
    headers: { "Content-Type": "application/json;charset=UTF-8" },
    body: JSON.stringify({ appKey, encryption, timestamp }),
  });
  return ((await res.json()) as { data: { accessToken: string } }).data.accessToken;
}

test(`an up of ${N} resources of each kind converges under 20% random faults; destroy leaves nothing`, async () => {
  for (let i = 0; i < N; i++) fx.sandbox.gitlab.addProject({ path: `reliability/project-${i}`, visibility: "internal" });
  fx.sandbox.torque.addSpace(SPACE);
  const stack: Stack = fx.stack({ config: { "torque:timeoutSeconds": "1", "enos:timeoutSeconds": "1" } });
  const program = declarations();
  const sorted = (prefix: string, sep = "") => Array.from({ length: N }, (_, i) => `${prefix}${sep}${i}`).sort();

  faults(true);
  const upRuns = await converge(() => stack.up(program));
  const upFaults = injected();
  expect([faulted(upFaults), kindsInjected(upFaults)]).toEqual([["gitlab", "torque", "enos"], [...kinds].sort()]);
  faults(false);
  expect(records()).toEqual({ dataSources: sorted("reliability_"), providers: sorted("reliability-"), repositories: sorted("repo-") });
  expect(stack.state.size).toBe(3 * N);
  everything.push(stack.checkpoint());

  const refresh = await stack.refresh();
  expect(refresh.errors).toEqual([]);
  expect(changes(refresh)).toEqual([]);
  const preview = await stack.preview(program);
  expect(preview.errors).toEqual([]);
  expect(changes(preview)).toEqual([]);

  faults(true);
  const destroyRuns = await converge(() => stack.destroy());
  const destroyFaults = injected();
  expect(faulted(destroyFaults)).toEqual(["torque", "enos"]); // a delete asks GitLab nothing
  faults(false);
  expect(records()).toEqual({ dataSources: [], providers: [], repositories: [] });
  expect(stack.state.size).toBe(0);

  const secrets = [fx.demo.gitlabToken, fx.demo.torqueToken, fx.demo.enosAppSecret, await currentEnosAccessToken()];
  expect(leakedSecrets(everything, secrets)).toEqual([]);
  console.log(`converged: up in ${upRuns} runs, destroy in ${destroyRuns} runs; faults injected: up ${JSON.stringify(upFaults)}, destroy ${JSON.stringify(destroyFaults)}`);
}, 900_000);
