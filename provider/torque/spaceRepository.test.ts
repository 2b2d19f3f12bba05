/**
 * torque.SpaceRepository through the real dynamic provider host, where the host matters:
 * full lifecycles (each ending with a preview that proposes nothing and a refresh that finds
 * no drift), references, secrets in the checkpoint, the engine's order of a replace, failed
 * syncs kept in state with initialization errors, import. The rest is tested in process
 * (spaceRepository.hooks.test.ts).
 *
 * Tests share one sandbox: each uses its own GitLab project and repository names.
 */
import { changes, Declaration, Stack } from "../../test/harness/stack";
import { leakedSecrets, messages, ops, upOk, useSandbox } from "../../test/support/fixture";

const fx = useSandbox();

const SPACE = "platform";
const CREDENTIAL = "gitlab-demo-credential";
const AGENT = "sandbox-agent";

const torque = () => fx.sandbox.torque;
const base = () => `${fx.sandbox.gitlab.url}/`;
const entry = (name: string, space = SPACE) => torque().spaceRepositories(space).find((r) => r.name === name);
const credential = (name: string, space = SPACE) => torque().credentials(space).find((c) => c.name === name);
const writes = (since: number) => torque().requests.slice(since).filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path} ${r.status}`);

/** A GitLab project of its own for a test; returns its URL. */
function project(name: string): string {
  fx.sandbox.gitlab.addProject({ path: `team/${name}`, visibility: "private", members: [1] });
  return `${base()}team/${name}`;
}

function repository(name: string, args: Record<string, unknown>, opts?: Declaration["opts"]): Declaration {
  return { kind: "torque:SpaceRepository", name, args: { space: SPACE, repositoryName: name, ...args }, ...(opts ? { opts } : {}) };
}

const withToken = (url: string, extra: Record<string, unknown> = {}) => ({ repositoryUrl: url, token: { $secret: fx.demo.gitlabToken }, ...extra });
const withCredential = (url: string, extra: Record<string, unknown> = {}) => ({ repositoryUrl: url, credentialName: CREDENTIAL, ...extra });

/** The end of every lifecycle: nothing proposed, no drift, then destroy leaves nothing behind. */
async function cleanThenDestroy(stack: Stack, program: Declaration[]): Promise<void> {
  expect(changes(await stack.preview(program))).toEqual([]);
  const refreshed = await stack.refresh();
  expect(refreshed.errors).toEqual([]);
  expect(changes(refreshed)).toEqual([]);
  const repositories = [...stack.state.values()].filter((r) => r.type.endsWith("SpaceRepository")).map((r) => r.id);
  const destroyed = await stack.destroy();
  expect(destroyed.errors).toEqual([]);
  expect(stack.state.size).toBe(0);
  for (const id of repositories) {
    const [space, name] = id.split("/");
    expect(entry(name, space)).toBeUndefined();
  }
}

describe("SpaceRepository: lifecycles", () => {
  test("through a repository provider: the reference wires its id, base URL and token; status Connected; drift is reported and restored", async () => {
    const url = project("sr-provider");
    const stack = fx.stack();
    const program: Declaration[] = [
      { kind: "torque:RepositoryProvider", name: "sr-provider-gitlab", args: { baseUrl: base(), token: { $secret: fx.demo.gitlabToken } } },
      repository("sr-provider", { repositoryUrl: url, provider: { $resource: "sr-provider-gitlab" } }),
    ];
    expect(ops(await upOk(stack, program))).toEqual(["create", "create"]);
    expect(entry("sr-provider")).toMatchObject({ repositoryUrl: url, credentialName: "", status: "Connected", useAllAgents: true });
    const state = stack.resource("sr-provider");
    expect(state.id).toBe(`${SPACE}/sr-provider`);
    expect(state.outputs).toMatchObject({ repositoryUrl: url, branch: "main", status: "Connected", providerId: stack.resource("sr-provider-gitlab").id });
    expect(state.dependencies).toContain(stack.resource("sr-provider-gitlab").urn);
    expect(state.secretOutputs).toContain("providerToken");

    // Drift made in Torque shows on preview --refresh, and the next up restores what the program declares.
    torque().editSpaceRepository(SPACE, "sr-provider", { agents: [AGENT], useAllAgents: false });
    const preview = await stack.preview(program, { refresh: true });
    expect(preview.errors).toEqual([]);
    expect(changes(preview).map((step) => [step.urn.split("::").pop(), step.op])).toEqual([
      ["sr-provider", "refresh-update"],
      ["sr-provider", "update"],
    ]);
    const restored = await stack.up(program, { refresh: true });
    expect(restored.errors).toEqual([]);
    expect(entry("sr-provider")).toMatchObject({ agents: [], useAllAgents: true });
    await cleanThenDestroy(stack, program);
  });

  test("with its own token: stored by Torque as the credential named for it, a secret in state; rotating it updates in place", async () => {
    const url = project("sr-token");
    const stack = fx.stack();
    const program = [repository("sr-token", withToken(url))];
    const results = [await upOk(stack, program)];
    expect(entry("sr-token")).toMatchObject({ credentialName: "sr-token-token", status: "Connected" });
    expect(credential("sr-token-token")?.token).toBe(fx.demo.gitlabToken);
    const state = stack.resource("sr-token");
    expect(state.outputs).toMatchObject({ credentialName: "sr-token-token", status: "Connected" });
    expect(state.secretInputs).toContain("token");
    expect(state.secretOutputs).toContain("token");

    // A yearly rotation: the repository stays connected, only its stored credential changes.
    const rotated = "glpat-rotated-sr-token";
    fx.sandbox.gitlab.addToken({ token: rotated, scopes: ["read_api", "read_repository"], userId: 1 });
    const rotatedProgram = [repository("sr-token", withToken(url, { token: { $secret: rotated } }))];
    const mark = torque().requests.length;
    const rotation = await upOk(stack, rotatedProgram);
    results.push(rotation);
    expect(ops(rotation)).toEqual(["update"]);
    expect(writes(mark)).toEqual([`PUT /api/spaces/${SPACE}/settings/credentialstore/sr-token-token 200`]);
    expect(credential("sr-token-token")?.token).toBe(rotated);

    results.push(await stack.preview(rotatedProgram), await stack.refresh());
    expect(results.slice(2).flatMap(changes)).toEqual([]);
    const checkpoint = stack.checkpoint();
    expect(checkpoint).toContain("ciphertext");
    const printed = results.flatMap((r) => [r.hostStdout, r.hostStderr, messages(r)]);
    expect(leakedSecrets([checkpoint, ...printed], [fx.demo.gitlabToken, rotated, fx.demo.torqueToken])).toEqual([]);
    await cleanThenDestroy(stack, rotatedProgram);
    expect(credential("sr-token-token")).toBeUndefined(); // a token does not outlive its repository
  });
});

describe("SpaceRepository: replacement, in the engine's order", () => {
  test("a new branch deletes first (the name stays taken); a new space connects the new one first (names are unique per space)", async () => {
    const url = project("sr-replace");
    const space = "sr-replace-space";
    torque().addSpace(space, { agents: [AGENT], credentials: [CREDENTIAL] });
    const stack = fx.stack();
    await upOk(stack, [repository("sr-replace", withToken(url))]);

    let mark = torque().requests.length;
    const branch = await upOk(stack, [repository("sr-replace", withToken(url, { branch: "develop" }))]);
    expect(ops(branch)).toEqual(["replace"]);
    expect(writes(mark)).toEqual([
      `DELETE /api/spaces/${SPACE}/repositories 204`,
      `DELETE /api/spaces/${SPACE}/settings/credentialstore/sr-replace-token 200`,
      `POST /api/spaces/${SPACE}/repositories/gitlabEnterprise 202`,
    ]);
    expect(entry("sr-replace")).toMatchObject({ branch: "develop", credentialName: "sr-replace-token", status: "Connected" });

    mark = torque().requests.length;
    const program = [repository("sr-replace", withToken(url, { branch: "develop", space }))];
    const moved = await upOk(stack, program);
    expect(ops(moved)).toEqual(["replace"]);
    expect(writes(mark)).toEqual([
      `POST /api/spaces/${space}/repositories/gitlabEnterprise 202`,
      `DELETE /api/spaces/${SPACE}/repositories 204`,
      `DELETE /api/spaces/${SPACE}/settings/credentialstore/sr-replace-token 200`,
    ]);
    expect(entry("sr-replace")).toBeUndefined();
    expect(entry("sr-replace", space)).toMatchObject({ branch: "develop", status: "Connected" });
    expect(stack.resource("sr-replace").id).toBe(`${space}/sr-replace`);
    await cleanThenDestroy(stack, program);
  });
});

describe("SpaceRepository: a sync that does not end Connected", () => {
  test("ends in Error: the server's messages are shown, the resource stays in state with them, and the next up re-checks until it works", async () => {
    const url = project("sr-sync-error");
    const reasons = ["Branch 'main' was not found in team/sr-sync-error", "The agent could not reach the repository"];
    torque().setSync({ url, delayMs: 300, outcome: "Error", errors: reasons });
    const stack = fx.stack();
    const program = [repository("sr-sync-error", withToken(url))];
    const failed = `Torque could not sync repository sr-sync-error in space ${SPACE} (status Error): ${reasons.join("; ")}`;
    try {
      const up = await stack.up(program);
      expect(up.errors).toHaveLength(1);
      expect(up.errors[0].message).toContain(failed);
      // Partial failure: created, so kept in state (nothing orphaned), with the status it got.
      const state = stack.resource("sr-sync-error");
      expect(state.id).toBe(`${SPACE}/sr-sync-error`);
      expect(state.outputs.status).toBe("Error");
      expect(state.initErrors).toEqual(reasons);

      // A failed sync stays failed: the engine sends an Update for a resource with
      // initialization errors, which checks the sync again and fails the same way.
      const writesBefore = torque().requests.filter((r) => r.method !== "GET").length;
      const again = await stack.up(program);
      expect(ops(again)).toEqual(["update"]);
      expect(messages(again)).toContain(failed);
      expect(stack.resource("sr-sync-error").initErrors).toEqual(reasons);
      // A refresh clears the engine's initialization errors; the repository still is not Connected, so drift shows and up fails.
      const refreshed = await stack.refresh();
      expect(ops(refreshed)).toEqual(["refresh-update"]);
      expect(stack.resource("sr-sync-error").initErrors).toBeUndefined();
      expect(ops(await stack.preview(program))).toEqual(["update"]);
      expect(messages(await stack.up(program))).toContain(failed);

      torque().editSpaceRepository(SPACE, "sr-sync-error", { status: "Connected", errors: [] });
      const fixed = await stack.up(program);
      expect(fixed.errors).toEqual([]);
      expect(ops(fixed)).toEqual(["update"]);
      expect(stack.resource("sr-sync-error").outputs.status).toBe("Connected");
      expect(stack.resource("sr-sync-error").initErrors).toBeUndefined();
      expect(torque().requests.filter((r) => r.method !== "GET").length).toBe(writesBefore); // re-checking the sync writes nothing
      expect(torque().spaceRepositories(SPACE).filter((r) => r.name === "sr-sync-error")).toHaveLength(1);
      expect(leakedSecrets([stack.checkpoint()], [fx.demo.gitlabToken])).toEqual([]);
      await cleanThenDestroy(stack, program);
    } finally {
      if (entry("sr-sync-error")) torque().removeSpaceRepository(SPACE, "sr-sync-error");
    }
  });
});

describe("SpaceRepository: import", () => {
  test("import with id <space>/<repositoryName> adopts a repository connected outside Pulumi, writing nothing", async () => {
    const url = project("sr-import");
    const created = await fetch(`${torque().url}/api/spaces/${SPACE}/repositories/gitlabEnterprise`, {
      method: "POST",
      headers: { Authorization: `Bearer ${fx.demo.torqueToken}`, "Content-Type": "application/json" },
      body: JSON.stringify({
        repository_name: "sr-import",
        repository_url: url,
        token: null,
        branch: "main",
        credential_name: CREDENTIAL,
        use_all_agents: false,
        agents: [AGENT],
        eac_auto_registration: false,
      }),
    });
    expect(created.status).toBe(202);

    const stack = fx.stack();
    const mark = torque().requests.length;
    const args = withCredential(url, { agents: [AGENT] });
    const imported = await upOk(stack, [repository("sr-import", args, { import: `${SPACE}/sr-import` })]);
    expect(ops(imported)).toEqual(["create"]);
    expect(stack.resource("sr-import").id).toBe(`${SPACE}/sr-import`);
    expect(stack.resource("sr-import").outputs).toMatchObject({ repositoryUrl: url, credentialName: CREDENTIAL, agents: [AGENT], useAllAgents: false, status: "Connected" });
    expect(writes(mark)).toEqual([]);
    await cleanThenDestroy(stack, [repository("sr-import", args)]);
  });

  test("import of an id that is not <space>/<name>, or of a repository Torque does not have, fails clearly", async () => {
    const url = `${base()}platform/infra`;
    const malformed = await fx.stack().up([repository("sr-import-bad", withCredential(url), { import: "sr-import-bad" })]);
    expect(messages(malformed)).toContain("sr-import-bad is not a space repository id; use <space>/<name>");
    const missing = await fx.stack().up([repository("sr-import-missing", withCredential(url), { import: `${SPACE}/sr-import-missing` })]);
    expect(messages(missing)).toContain(`cannot import torque:SpaceRepository ${SPACE}/sr-import-missing: there is no such object`);
  });
});
