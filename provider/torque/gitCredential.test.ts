/**
 * torque.GitCredential through the real dynamic provider host: a full lifecycle with the
 * repositories that use it (the reference, rotation in place, the engine's order when it is
 * replaced), secrets in the checkpoint and import. Its hooks are tested in process
 * (gitCredential.hooks.test.ts).
 */
import { changes, Declaration, Stack } from "../../test/harness/stack";
import { leakedSecrets, messages, ops, upOk, useSandbox } from "../../test/support/fixture";

const fx = useSandbox();
const SPACE = "platform";
const STORE = `/api/spaces/${SPACE}/settings/credentialstore`;
const torque = () => fx.sandbox.torque;
const gitlabUrl = () => `${fx.sandbox.gitlab.url}/`;
const stored = (name: string) => torque().credentials(SPACE).find((c) => c.name === name);
const repositoryEntry = (name: string) => torque().spaceRepositories(SPACE).find((r) => r.name === name);
const writes = (since: number) => torque().requests.slice(since).filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path} ${r.status}`);

function credential(name: string, args: Record<string, unknown> = {}, opts?: Declaration["opts"]): Declaration {
  return { kind: "torque:GitCredential", name, args: { space: SPACE, gitlabUrl: gitlabUrl(), token: { $secret: fx.demo.gitlabToken }, ...args }, ...(opts ? { opts } : {}) };
}

function repository(name: string, credentialResource: string): Declaration {
  return { kind: "torque:SpaceRepository", name, args: { space: SPACE, repositoryName: name, repositoryUrl: `${gitlabUrl()}platform/infra`, credential: { $resource: credentialResource } } };
}

async function cleanThenDestroy(stack: Stack, program: Declaration[]): Promise<void> {
  expect(changes(await stack.preview(program))).toEqual([]);
  const refreshed = await stack.refresh();
  expect(refreshed.errors).toEqual([]);
  expect(changes(refreshed)).toEqual([]);
  expect((await stack.destroy()).errors).toEqual([]);
  expect(stack.state.size).toBe(0);
}

test("a credential and the repository that uses it: created, the token rotated and the credential renamed without disconnecting, destroyed in order", async () => {
  const stack = fx.stack();
  const program = [credential("gc-life", { description: "CI user" }), repository("gc-life-repo", "gc-life")];
  const results = [await upOk(stack, program)];
  expect(ops(results[0])).toEqual(["create", "create"]);
  expect(stored("gc-life")).toEqual({ name: "gc-life", description: "CI user", cloudType: "sourceControl", cloudIdentifier: "gitlabEnterprise", token: fx.demo.gitlabToken });
  expect(repositoryEntry("gc-life-repo")).toMatchObject({ credentialName: "gc-life", status: "Connected" });
  const state = stack.resource("gc-life");
  expect(state.id).toBe(`${SPACE}/gc-life`);
  expect(state.secretInputs).toContain("token");
  expect(state.secretOutputs).toContain("token");
  expect(stack.resource("gc-life-repo").dependencies).toContain(state.urn);
  expect(stack.resource("gc-life-repo").outputs).toMatchObject({ credentialName: "gc-life", storedCredentialSpace: SPACE });
  expect(stack.resource("gc-life-repo").secretOutputs).toContain("storedCredentialToken");
  expect(changes(await stack.preview(program))).toEqual([]);

  // The yearly rotation: one PUT of the credential; the repository is not touched.
  const rotated = "glpat-rotated-gc-life";
  fx.sandbox.gitlab.addToken({ token: rotated, scopes: ["read_api", "read_repository"], userId: 1 });
  const rotatedProgram = [credential("gc-life", { description: "CI user", token: { $secret: rotated } }), repository("gc-life-repo", "gc-life")];
  let mark = torque().requests.length;
  const rotation = await upOk(stack, rotatedProgram);
  results.push(rotation);
  expect(ops(rotation)).toEqual(["update", "same"]);
  expect(writes(mark)).toEqual([`PUT ${STORE}/gc-life 200`]);
  expect(stored("gc-life")?.token).toBe(rotated);

  // A new name replaces the credential, the new one first; the repository switches to it in place, then the old one goes.
  const renamed = [credential("gc-life", { name: "gc-life-2", description: "CI user", token: { $secret: rotated } }), repository("gc-life-repo", "gc-life")];
  mark = torque().requests.length;
  const rename = await upOk(stack, renamed);
  results.push(rename);
  expect(ops(rename)).toEqual(["replace", "update"]);
  expect(writes(mark)).toEqual([`POST ${STORE} 200`, `PUT /api/spaces/${SPACE}/repositories/gc-life-repo 200`, `DELETE ${STORE}/gc-life 200`]);
  expect(repositoryEntry("gc-life-repo")).toMatchObject({ credentialName: "gc-life-2", status: "Connected" });
  expect(stored("gc-life")).toBeUndefined();

  const checkpoint = stack.checkpoint();
  const printed = results.flatMap((r) => [r.hostStdout, r.hostStderr, messages(r)]);
  expect(leakedSecrets([checkpoint, ...printed], [fx.demo.gitlabToken, rotated, fx.demo.torqueToken])).toEqual([]);
  await cleanThenDestroy(stack, renamed);
  expect(stored("gc-life-2")).toBeUndefined();
  expect(repositoryEntry("gc-life-repo")).toBeUndefined();
});

test("a token given as a plain string is encrypted in the checkpoint; __provider is a thin require", async () => {
  const stack = fx.stack();
  const program = [credential("gc-plain", { token: fx.demo.gitlabToken })];
  await upOk(stack, program);
  const state = stack.resource("gc-plain");
  expect(state.secretInputs).toContain("token");
  expect(leakedSecrets([stack.checkpoint()], [fx.demo.gitlabToken])).toEqual([]);
  expect(state.outputs.__provider).toContain('require("pulumi-gitlab-sources/bin/torque/gitCredential.hooks")');
  await cleanThenDestroy(stack, program);
});

test("import with id <space>/<name> adopts a credential stored outside Pulumi, writing nothing; a different description is named", async () => {
  const created = await fetch(`${torque().url}${STORE}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${fx.demo.torqueToken}`, "Content-Type": "application/json" },
    body: JSON.stringify({ space_name: SPACE, name: "gc-import", description: "made in the UI", cloud_type: "sourceControl", cloud_identifier: "gitlabEnterprise", credential_data: { token: fx.demo.gitlabToken, type: "gitlabEnterprise" } }),
  });
  expect(created.status).toBe(200);

  const mismatch = await fx.stack().up([credential("gc-import", { description: "other" }, { import: `${SPACE}/gc-import` })]);
  expect(messages(mismatch)).toContain(`cannot import torque:GitCredential ${SPACE}/gc-import: the declared inputs differ from what the server holds: description (declared "other", found "made in the UI")`);

  const stack = fx.stack();
  const mark = torque().requests.length;
  const imported = await upOk(stack, [credential("gc-import", { description: "made in the UI" }, { import: `${SPACE}/gc-import` })]);
  expect(ops(imported)).toEqual(["create"]);
  expect(stack.resource("gc-import").id).toBe(`${SPACE}/gc-import`);
  expect(writes(mark)).toEqual([]);
  await cleanThenDestroy(stack, [credential("gc-import", { description: "made in the UI" })]);
  expect(stored("gc-import")).toBeUndefined();
});
