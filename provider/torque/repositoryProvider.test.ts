/**
 * torque.RepositoryProvider through the real dynamic provider host, where the host matters:
 * a full lifecycle (ending with a preview that proposes nothing and a refresh that finds no
 * drift), secrets in the checkpoint and in everything the host printed, the serialized
 * provider, import, configuration from the host's environment, many resources at once. The
 * rest is tested in process (repositoryProvider.hooks.test.ts).
 *
 * Tests share one sandbox: each uses its own resource and provider names.
 */
import { changes, Declaration, OperationResult, Stack } from "../../test/harness/stack";
import type { ProviderRecord } from "../../test/sandbox";
import { leakedSecrets, messages, ops, upOk, useSandbox } from "../../test/support/fixture";

const fx = useSandbox();

const PROVIDERS = "/api/settings/repository_providers";
const TYPE = "gitLabEnterprise";

const base = () => `${fx.sandbox.gitlab.url}/`;
/** The same server under another name (`localhost`), for an in-place baseUrl change. */
const otherBase = () => `http://localhost:${fx.sandbox.gitlab.port}/`;
const repo = (path: string, root = base()) => `${root}${path}`;
const INFRA = "platform/infra";
const MODELS = "platform/ml/models";

const torque = () => fx.sandbox.torque;
const record = (id: string): ProviderRecord | undefined => torque().providers().find((p) => p.id === id);
const byName = (name: string): ProviderRecord[] => torque().providers().filter((p) => p.name === name);

function provider(name: string, args: Record<string, unknown> = {}, opts?: Declaration["opts"]): Declaration {
  return {
    kind: "torque:RepositoryProvider",
    name,
    args: { baseUrl: base(), token: { $secret: fx.demo.gitlabToken }, ...args },
    ...(opts ? { opts } : {}),
  };
}

/** Nothing proposed, no drift, then destroy leaves nothing of the stack, in state or in Torque. */
async function cleanThenDestroy(stack: Stack, program: Declaration[]): Promise<void> {
  expect(changes(await stack.preview(program))).toEqual([]);
  const refreshed = await stack.refresh();
  expect(refreshed.errors).toEqual([]);
  expect(changes(refreshed)).toEqual([]);
  const ids = [...stack.state.values()].map((r) => r.id);
  const result = await stack.destroy();
  expect(result.errors).toEqual([]);
  expect(stack.state.size).toBe(0);
  for (const id of ids) expect(record(id)).toBeUndefined();
}

test("lifecycle: create exactly what was declared, update every property in place (token rotated), no secret anywhere, a thin __provider", async () => {
  const stack = fx.stack();
  const rotated = "glpat-rotated-rp-life";
  fx.sandbox.gitlab.addToken({ token: rotated, scopes: ["api", "read_repository"], userId: 1 });
  const results: OperationResult[] = [];
  const program = [provider("rp-life", { repos: [repo(MODELS), repo(INFRA)] })];
  results.push(await upOk(stack, program));
  const id = stack.resource("rp-life").id;
  expect(record(id)).toEqual({ id, name: "rp-life", type: TYPE, baseUrl: base(), token: fx.demo.gitlabToken, repos: [repo(MODELS), repo(INFRA)] });
  expect(stack.resource("rp-life").outputs).toMatchObject({ providerId: id, name: "rp-life", type: TYPE, repos: [repo(MODELS), repo(INFRA)] });
  results.push(await stack.preview([provider("rp-life", { repos: [repo(INFRA), repo(MODELS)] })]));
  expect(changes(results[1])).toEqual([]); // the order of repos means nothing to Torque

  const updated = [provider("rp-life", { name: "rp-life-renamed", baseUrl: otherBase(), repos: [repo(INFRA, otherBase())], token: { $secret: rotated } })];
  const update = await upOk(stack, updated);
  results.push(update);
  expect(ops(update)).toEqual(["update"]);
  expect(stack.resource("rp-life").id).toBe(id);
  expect(record(id)).toEqual({ id, name: "rp-life-renamed", type: TYPE, baseUrl: otherBase(), token: rotated, repos: [repo(INFRA, otherBase())] });

  torque().faults.add({ kind: "status", status: 500, method: "GET", path: PROVIDERS, times: 1 });
  results.push(await stack.refresh()); // a failure's message carries no secret either
  expect(messages(results[3])).toContain("Torque answered 500 to GET /api/settings/repository_providers");

  const state = stack.resource("rp-life");
  expect(state.secretInputs).toContain("token");
  expect(state.secretOutputs).toContain("token");
  const checkpoint = stack.checkpoint();
  expect(checkpoint).toContain("ciphertext");
  const printed = results.flatMap((r) => [r.hostStdout, r.hostStderr, messages(r), ...r.programErrors]);
  expect(leakedSecrets([checkpoint, ...printed], [fx.demo.gitlabToken, rotated, fx.demo.torqueToken])).toEqual([]);
  for (const closure of [state.inputs.__provider, state.outputs.__provider]) {
    expect(closure).toContain('require("pulumi-gitlab-sources/bin/torque/repositoryProvider.hooks")');
    expect(Buffer.byteLength(closure as string)).toBeLessThanOrEqual(1024);
    expect(leakedSecrets([closure as string], [fx.demo.gitlabToken, fx.demo.torqueToken, torque().url])).toEqual([]);
  }
  await cleanThenDestroy(stack, updated);
});

test("a name clash names the id to import; importing it (or any provider made outside Pulumi) adopts it, writing nothing", async () => {
  const existing = torque().seedProvider({ name: "rp-taken", type: TYPE, baseUrl: base(), token: fx.demo.gitlabToken, repos: [repo(INFRA)] });
  const stack = fx.stack();
  const clash = await stack.up([provider("rp-import", { name: "rp-taken", repos: [repo(INFRA)] })]);
  expect(messages(clash)).toContain(`repository provider named rp-taken (id ${existing.id})`);
  expect(messages(clash)).toContain(`import: "${existing.id}"`);
  expect(stack.state.size).toBe(0);

  const writes = () => torque().requests.filter((r) => r.method !== "GET").length;
  const before = writes();
  const adopted = await upOk(stack, [provider("rp-import", { name: "rp-taken", repos: [repo(INFRA)] }, { import: existing.id })]);
  expect(ops(adopted)).toEqual(["create"]); // adopted by the provider's create: the engine's import step cannot run a dynamic provider
  expect(stack.resource("rp-import").id).toBe(existing.id);
  expect(writes()).toBe(before);
  expect(byName("rp-taken")).toEqual([existing]);

  const missing = await fx.stack().up([provider("rp-import-missing", {}, { import: "00000000-0000-0000-0000-000000000000" })]);
  expect(messages(missing)).toContain("cannot import torque:RepositoryProvider 00000000-0000-0000-0000-000000000000: there is no such object");
  await cleanThenDestroy(stack, [provider("rp-import", { name: "rp-taken", repos: [repo(INFRA)] })]);
});

test("without torque config, TORQUE_URL and TORQUE_TOKEN from the host's environment are used, and not captured in __provider", async () => {
  const stack = new Stack({ env: { TORQUE_URL: torque().url, TORQUE_HOST: "", TORQUE_HOSTNAME: "", TORQUE_TOKEN: fx.demo.torqueToken } });
  const program = [provider("rp-env")];
  expect(ops(await upOk(stack, program))).toEqual(["create"]);
  expect(record(stack.resource("rp-env").id)).toMatchObject({ name: "rp-env", baseUrl: base() });
  expect(stack.resource("rp-env").outputs.__provider).not.toContain(fx.demo.torqueToken);
  await cleanThenDestroy(stack, program);
});

test("many resources in one up: every concurrent first call sees the configuration; one removed from the program is deleted", async () => {
  const stack = fx.stack({ parallel: 32 });
  const names = Array.from({ length: 24 }, (_, i) => `rp-many-${i}`);
  const up = await upOk(stack, names.map((n) => provider(n)));
  expect(ops(up)).toEqual(names.map(() => "create"));
  for (const n of names) expect(byName(n)).toEqual([expect.objectContaining({ id: stack.resource(n).id })]);
  expect(messages(up)).toBe("");
  const dropped = stack.resource(names[0]).id;
  const program = names.slice(1).map((n) => provider(n));
  expect(ops(await upOk(stack, program)).sort()).toEqual(["delete", ...names.slice(1).map(() => "same")]);
  expect(record(dropped)).toBeUndefined();
  await cleanThenDestroy(stack, program);
});
