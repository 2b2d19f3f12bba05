/**
 * torque.SpaceRepository through the real dynamic provider host, against the sandbox Torque
 * and GitLab: the three ways to connect a repository, the wait for the sync, read through
 * the space's list, updates, replaces, delete, import, changes made outside Pulumi, secrets.
 *
 * Tests share one sandbox: each uses its own GitLab project (so that the sandbox's sync can
 * be set per repository URL), repository names and provider names.
 */
import { changes, Declaration, Stack } from "../../test/harness/stack";
import type { SpaceRepositoryRecord } from "../../test/sandbox";
import { leakedSecrets, messages, ops, upOk, useSandbox } from "../../test/support/fixture";

const fx = useSandbox();

const SPACE = "platform";
const CREDENTIAL = "gitlab-demo-credential";
const AGENT = "sandbox-agent";

const torque = () => fx.sandbox.torque;
const base = () => `${fx.sandbox.gitlab.url}/`;
/** The same GitLab under another name: a provider with this baseUrl does not cover `base()` URLs. */
const otherBase = () => `http://localhost:${fx.sandbox.gitlab.port}/`;
const entry = (name: string, space = SPACE): SpaceRepositoryRecord | undefined => torque().spaceRepositories(space).find((r) => r.name === name);
const listPath = (space = SPACE) => new RegExp(`^/api/spaces/${space}/repositories$`);

/** A GitLab project of its own for a test; returns its URL. */
function project(name: string): string {
  fx.sandbox.gitlab.addProject({ path: `team/${name}`, visibility: "private", members: [1] });
  return `${base()}team/${name}`;
}

function repository(name: string, args: Record<string, unknown>, opts?: Declaration["opts"]): Declaration {
  return { kind: "torque:SpaceRepository", name, args: { space: SPACE, repositoryName: name, ...args }, ...(opts ? { opts } : {}) };
}

function repositoryProvider(name: string, args: Record<string, unknown> = {}): Declaration {
  return { kind: "torque:RepositoryProvider", name, args: { baseUrl: base(), token: { $secret: fx.demo.gitlabToken }, ...args } };
}

const withToken = (url: string, extra: Record<string, unknown> = {}) => ({ repositoryUrl: url, token: { $secret: fx.demo.gitlabToken }, ...extra });
const withCredential = (url: string, extra: Record<string, unknown> = {}) => ({ repositoryUrl: url, credentialName: CREDENTIAL, ...extra });

async function destroyOk(stack: Stack): Promise<void> {
  const repositories = [...stack.state.values()].filter((r) => r.type.endsWith("SpaceRepository")).map((r) => r.id);
  const result = await stack.destroy();
  expect(result.errors).toEqual([]);
  expect(stack.state.size).toBe(0);
  for (const id of repositories) {
    const [space, name] = id.split("/");
    expect(entry(name, space)).toBeUndefined();
  }
}

/** What the sandbox holds for a repository created with the defaults. */
function expectedEntry(name: string, repositoryUrl: string, extra: Partial<SpaceRepositoryRecord> = {}): SpaceRepositoryRecord {
  return {
    name,
    repositoryUrl,
    branch: "main",
    token: null,
    credentialName: null,
    useAllAgents: true,
    agents: [],
    status: "Connected",
    errors: [],
    eacAutoRegistration: false,
    ...extra,
  };
}

describe("SpaceRepository: the three ways to connect a repository", () => {
  test("through a repository provider: no token of its own, status Connected, no drift", async () => {
    const url = project("sr-provider");
    const stack = fx.stack();
    const program = [
      repositoryProvider("sr-provider-gitlab"),
      repository("sr-provider", { repositoryUrl: url, provider: { $resource: "sr-provider-gitlab" } }),
    ];
    const up = await upOk(stack, program);
    expect(ops(up)).toEqual(["create", "create"]);

    expect(entry("sr-provider")).toEqual(expectedEntry("sr-provider", url));
    const state = stack.resource("sr-provider");
    expect(state.id).toBe(`${SPACE}/sr-provider`);
    expect(state.outputs).toMatchObject({ space: SPACE, repositoryName: "sr-provider", repositoryUrl: url, branch: "main", status: "Connected", useAllAgents: true, agents: [] });
    expect(state.outputs.providerId).toBe(stack.resource("sr-provider-gitlab").id);
    expect(state.dependencies).toContain(stack.resource("sr-provider-gitlab").urn);

    expect(changes(await stack.preview(program))).toEqual([]);
    const refreshed = await stack.refresh();
    expect(refreshed.errors).toEqual([]);
    expect(changes(refreshed)).toEqual([]);
    expect(leakedSecrets([stack.checkpoint()], [fx.demo.gitlabToken, fx.demo.torqueToken])).toEqual([]);
    await destroyOk(stack);
  });

  test("with its own token: the token reaches Torque and is stored only as a secret", async () => {
    const url = project("sr-token");
    const stack = fx.stack();
    const program = [repository("sr-token", withToken(url))];
    const results = [await upOk(stack, program)];
    expect(entry("sr-token")).toEqual(expectedEntry("sr-token", url, { token: fx.demo.gitlabToken }));
    const state = stack.resource("sr-token");
    expect(state.outputs.status).toBe("Connected");
    expect(state.secretInputs).toContain("token");
    expect(state.secretOutputs).toContain("token");

    results.push(await stack.preview(program));
    results.push(await stack.refresh());
    expect(results.slice(1).flatMap(changes)).toEqual([]);
    const checkpoint = stack.checkpoint();
    expect(checkpoint).toContain("ciphertext");
    const printed = results.flatMap((r) => [r.hostStdout, r.hostStderr, messages(r)]);
    expect(leakedSecrets([checkpoint, ...printed], [fx.demo.gitlabToken, fx.demo.torqueToken])).toEqual([]);
    await destroyOk(stack);
  });

  test("with a credential stored in the space", async () => {
    const url = project("sr-credential");
    const stack = fx.stack();
    const program = [repository("sr-credential", withCredential(url))];
    await upOk(stack, program);
    expect(entry("sr-credential")).toEqual(expectedEntry("sr-credential", url, { credentialName: CREDENTIAL }));
    expect(stack.resource("sr-credential").outputs).toMatchObject({ credentialName: CREDENTIAL, status: "Connected" });
    expect(changes(await stack.preview(program))).toEqual([]);
    expect(changes(await stack.refresh())).toEqual([]);
    await destroyOk(stack);
  });

  test.each([
    ["none of provider, token and credentialName", (url: string) => ({ repositoryUrl: url }), "token", /give exactly one of provider, token and credentialName \(none is set\)/],
    ["both token and credentialName", (url: string) => withToken(url, { credentialName: CREDENTIAL }), "credentialName", /token and credentialName are set/],
    [
      "both a provider and a token",
      (url: string) => withToken(url, { provider: { $resource: "sr-two-ways-gitlab" } }),
      "token",
      /providerId and token are set/,
    ],
  ])("exactly one way to connect: %s is a check failure, nothing sent to Torque", async (_what, args, property, reason) => {
    const url = `${base()}platform/infra`;
    const stack = fx.stack();
    const torqueBefore = torque().requests.length;
    const program = [repositoryProvider("sr-two-ways-gitlab"), repository("sr-one-way", args(url))];
    const preview = await stack.preview(program);
    expect(preview.errors).toEqual([
      expect.objectContaining({ urn: expect.stringContaining("::sr-one-way"), failures: [{ property, reason: expect.stringMatching(reason) }] }),
    ]);
    expect(torque().requests.length).toBe(torqueBefore);
  });

  test("a repository outside the provider's baseUrl is rejected at preview, nothing sent to Torque", async () => {
    const url = `${base()}platform/infra`;
    const torqueBefore = torque().requests.length;
    const program = [
      repositoryProvider("sr-outside-gitlab", { baseUrl: otherBase() }),
      repository("sr-outside", { repositoryUrl: url, provider: { $resource: "sr-outside-gitlab" } }),
    ];
    const reason = `repositoryUrl ${url} does not lie under the provider's baseUrl ${otherBase()}`;

    // A new stack: the provider is itself only proposed.
    const preview = await fx.stack().preview(program);
    expect(preview.errors).toEqual([expect.objectContaining({ failures: [{ property: "repositoryUrl", reason: expect.stringContaining(reason) }] })]);
    expect(torque().requests.length).toBe(torqueBefore);

    // The provider exists: the same at the preview of the repository.
    const stack = fx.stack();
    await upOk(stack, program.slice(0, 1));
    const withProvider = await stack.preview(program);
    expect(withProvider.errors).toEqual([expect.objectContaining({ failures: [{ property: "repositoryUrl", reason: expect.stringContaining(reason) }] })]);
    const up = await stack.up(program);
    expect(up.errors).toHaveLength(1);
    expect(entry("sr-outside")).toBeUndefined();
    await destroyOk(stack);
  });
});

describe("SpaceRepository: create waits for the sync", () => {
  test("a slow sync within syncTimeoutSeconds succeeds once Connected", async () => {
    const url = project("sr-slow");
    torque().setSync({ url, delayMs: 2_500, outcome: "Connected" });
    const stack = fx.stack();
    const listsBefore = torque().count({ method: "GET", path: listPath() });
    const started = Date.now();
    await upOk(stack, [repository("sr-slow", withToken(url, { syncTimeoutSeconds: 15 }))]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_500);
    expect(torque().count({ method: "GET", path: listPath() }) - listsBefore).toBeGreaterThan(1);
    expect(stack.resource("sr-slow").outputs.status).toBe("Connected");
    expect(entry("sr-slow")?.status).toBe("Connected");
    await destroyOk(stack);
  });

  test("a sync that ends in Error shows the server's messages; the resource stays in state and the next up works", async () => {
    const url = project("sr-sync-error");
    const reasons = ["Branch 'main' was not found in team/sr-sync-error", "The agent could not reach the repository"];
    torque().setSync({ url, delayMs: 300, outcome: "Error", errors: reasons });
    const stack = fx.stack();
    const program = [repository("sr-sync-error", withToken(url))];
    try {
      const up = await stack.up(program);
      expect(up.errors).toHaveLength(1);
      expect(up.errors[0].message).toContain(`Torque could not sync repository sr-sync-error in space ${SPACE}: ${reasons.join("; ")}`);
      // Partial failure: created, so kept in state (nothing orphaned), with the status it got.
      const state = stack.resource("sr-sync-error");
      expect(state.id).toBe(`${SPACE}/sr-sync-error`);
      expect(state.outputs.status).toBe("Error");
      expect(entry("sr-sync-error")?.status).toBe("Error");

      expect(state.initErrors).toEqual(reasons);

      // A failed sync stays failed: the engine sends an Update for a resource with
      // initialization errors, which checks the sync again and fails the same way.
      const writes = () => torque().requests.filter((r) => r.method !== "GET").length;
      const writesBefore = writes();
      const again = await stack.up(program);
      expect(ops(again)).toEqual(["update"]);
      expect(messages(again)).toContain(`Torque could not sync repository sr-sync-error in space ${SPACE}: ${reasons.join("; ")}`);
      expect(stack.resource("sr-sync-error").initErrors).toEqual(reasons);
      // A refresh clears the engine's initialization errors; the repository still is not Connected, so drift shows and up fails.
      const refreshed = await stack.refresh();
      expect(ops(refreshed)).toEqual(["refresh-update"]);
      expect(stack.resource("sr-sync-error").initErrors).toBeUndefined();
      expect(ops(await stack.preview(program))).toEqual(["update"]);
      expect(messages(await stack.up(program))).toContain(`Torque could not sync repository sr-sync-error`);

      torque().editSpaceRepository(SPACE, "sr-sync-error", { status: "Connected", errors: [] });
      const fixed = await stack.up(program);
      expect(fixed.errors).toEqual([]);
      expect(ops(fixed)).toEqual(["update"]);
      expect(stack.resource("sr-sync-error").outputs.status).toBe("Connected");
      expect(stack.resource("sr-sync-error").initErrors).toBeUndefined();
      expect(writes()).toBe(writesBefore); // re-checking the sync writes nothing
      expect(changes(await stack.preview(program))).toEqual([]);
      expect(changes(await stack.refresh())).toEqual([]);
      expect(torque().spaceRepositories(SPACE).filter((r) => r.name === "sr-sync-error")).toHaveLength(1);
      expect(leakedSecrets([stack.checkpoint()], [fx.demo.gitlabToken])).toEqual([]);
    } finally {
      if (entry("sr-sync-error")) torque().removeSpaceRepository(SPACE, "sr-sync-error");
    }
  });

  test("after a sync that ended in Error, refresh and destroy work", async () => {
    const url = project("sr-sync-error-next");
    torque().setSync({ url, delayMs: 0, outcome: "Error", errors: ["Could not sync"] });
    const stack = fx.stack();
    try {
      const up = await stack.up([repository("sr-sync-error-next", withToken(url))]);
      expect(up.errors).toHaveLength(1);
      torque().editSpaceRepository(SPACE, "sr-sync-error-next", { status: "Connected", errors: [] });
      const refreshed = await stack.refresh();
      expect(refreshed.errors).toEqual([]);
      expect(stack.resource("sr-sync-error-next").outputs.status).toBe("Connected");
      await destroyOk(stack);
    } finally {
      if (entry("sr-sync-error-next")) torque().removeSpaceRepository(SPACE, "sr-sync-error-next");
    }
  });

  test("a sync that outlasts syncTimeoutSeconds says how far it got; the resource stays in state", async () => {
    const url = project("sr-sync-timeout");
    torque().setSync({ url, delayMs: 60_000, outcome: "Connected" });
    const stack = fx.stack();
    try {
      const started = Date.now();
      const up = await stack.up([repository("sr-sync-timeout", withToken(url, { syncTimeoutSeconds: 2, agents: [AGENT] }))]);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(messages(up)).toContain(
        `repository sr-sync-timeout in space ${SPACE} did not finish syncing within 2 s (status Syncing; agents: ${AGENT} Active); raise syncTimeoutSeconds`,
      );
      expect(stack.resource("sr-sync-timeout").outputs.status).toBe("Syncing");
      expect(stack.resource("sr-sync-timeout").id).toBe(`${SPACE}/sr-sync-timeout`);
    } finally {
      if (entry("sr-sync-timeout")) torque().removeSpaceRepository(SPACE, "sr-sync-timeout");
    }
  });
});

describe("SpaceRepository: read", () => {
  test("one list request serves every repository of a space in one refresh", async () => {
    const second = "sr-read-space";
    torque().addSpace(second, { agents: [AGENT], credentials: [CREDENTIAL] });
    const names = ["sr-read-a", "sr-read-b", "sr-read-c", "sr-read-d"];
    const program = [
      ...names.map((n) => repository(n, withCredential(project(n)))),
      ...names.map((n) => repository(`${n}-2`, withCredential(`${base()}team/${n}`, { space: second }))),
    ];
    const stack = fx.stack();
    await upOk(stack, program);
    expect(torque().spaceRepositories(second)).toHaveLength(names.length);

    const lists = () => [torque().count({ method: "GET", path: listPath() }), torque().count({ method: "GET", path: listPath(second) })];
    const [firstBefore, secondBefore] = lists();
    const refreshed = await stack.refresh();
    expect(refreshed.errors).toEqual([]);
    expect(ops(refreshed)).toEqual(program.map(() => "same"));
    const [firstAfter, secondAfter] = lists();
    expect([firstAfter - firstBefore, secondAfter - secondBefore]).toEqual([1, 1]);
    await destroyOk(stack);
  });

  test("read reports what Torque has: drift shows on preview --refresh and the next up restores it", async () => {
    const url = project("sr-drift");
    const stack = fx.stack();
    const program = [repository("sr-drift", withCredential(url, { agents: [AGENT] }))];
    await upOk(stack, program);
    torque().editSpaceRepository(SPACE, "sr-drift", { agents: [], useAllAgents: true });

    const preview = await stack.preview(program, { refresh: true });
    expect(preview.errors).toEqual([]);
    expect(ops(preview)).toEqual(["refresh-update", "update"]);
    const restored = await stack.up(program, { refresh: true });
    expect(restored.errors).toEqual([]);
    expect(entry("sr-drift")).toMatchObject({ agents: [AGENT], useAllAgents: false });
    expect(changes(await stack.preview(program, { refresh: true }))).toEqual([]);
    await destroyOk(stack);
  });
});

describe("SpaceRepository: update in place and replace", () => {
  test("agents and useAllAgents update in place", async () => {
    const url = project("sr-agents");
    const stack = fx.stack();
    await upOk(stack, [repository("sr-agents", withToken(url))]);
    const steps: [Record<string, unknown>, Partial<SpaceRepositoryRecord>][] = [
      [{ agents: [AGENT] }, { agents: [AGENT], useAllAgents: false }],
      [{ useAllAgents: true }, { agents: [], useAllAgents: true }],
      [{ useAllAgents: false }, { agents: [], useAllAgents: false }],
    ];
    for (const [args, expected] of steps) {
      const program = [repository("sr-agents", withToken(url, args))];
      const update = await stack.up(program);
      expect({ args, errors: update.errors, ops: ops(update) }).toEqual({ args, errors: [], ops: ["update"] });
      expect(stack.resource("sr-agents").id).toBe(`${SPACE}/sr-agents`);
      expect(entry("sr-agents")).toMatchObject({ ...expected, token: fx.demo.gitlabToken, status: "Connected" });
      expect(stack.resource("sr-agents").outputs).toMatchObject({ agents: expected.agents, useAllAgents: expected.useAllAgents });
      expect(changes(await stack.preview(program))).toEqual([]);
    }
    expect(changes(await stack.refresh())).toEqual([]);
    await destroyOk(stack);
  });

  test("credentialName updates in place", async () => {
    const space = "sr-credentials-space";
    torque().addSpace(space, { agents: [AGENT], credentials: [CREDENTIAL, "gitlab-rotated-credential"] });
    const url = project("sr-credential-update");
    const stack = fx.stack();
    await upOk(stack, [repository("sr-credential-update", withCredential(url, { space }))]);
    const program = [repository("sr-credential-update", withCredential(url, { space, credentialName: "gitlab-rotated-credential" }))];
    const update = await upOk(stack, program);
    expect(ops(update)).toEqual(["update"]);
    expect(entry("sr-credential-update", space)).toMatchObject({ credentialName: "gitlab-rotated-credential", repositoryUrl: url });
    expect(stack.resource("sr-credential-update").id).toBe(`${space}/sr-credential-update`);
    expect(changes(await stack.preview(program))).toEqual([]);
    expect(changes(await stack.refresh())).toEqual([]);
    await destroyOk(stack);
  });

  test("a change of branch or repositoryUrl replaces, deleting first (same name); the record is right afterwards", async () => {
    const url = project("sr-replace");
    const moved = project("sr-replace-moved");
    const stack = fx.stack();
    await upOk(stack, [repository("sr-replace", withToken(url))]);
    const mark = torque().requests.length;

    const branch = await upOk(stack, [repository("sr-replace", withToken(url, { branch: "develop" }))]);
    expect(ops(branch)).toEqual(["replace"]);
    const sent = torque().requests.slice(mark).filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.status}`);
    expect(sent).toEqual(["DELETE 204", "POST 202"]);
    expect(torque().spaceRepositories(SPACE).filter((r) => r.name === "sr-replace")).toEqual([
      expectedEntry("sr-replace", url, { branch: "develop", token: fx.demo.gitlabToken }),
    ]);

    const program = [repository("sr-replace", withToken(moved, { branch: "develop" }))];
    const urlChange = await upOk(stack, program);
    expect(ops(urlChange)).toEqual(["replace"]);
    expect(torque().spaceRepositories(SPACE).filter((r) => r.name === "sr-replace")).toEqual([
      expectedEntry("sr-replace", moved, { branch: "develop", token: fx.demo.gitlabToken }),
    ]);
    expect(stack.resource("sr-replace").outputs).toMatchObject({ repositoryUrl: moved, branch: "develop", status: "Connected" });
    expect(changes(await stack.preview(program))).toEqual([]);
    expect(changes(await stack.refresh())).toEqual([]);
    await destroyOk(stack);
  });
});

describe("SpaceRepository: delete, import and changes made outside Pulumi", () => {
  test("destroy removes the repository; a delete of one already gone succeeds", async () => {
    const stack = fx.stack();
    await upOk(stack, [repository("sr-delete", withCredential(project("sr-delete"))), repository("sr-delete-gone", withCredential(project("sr-delete-gone")))]);
    torque().removeSpaceRepository(SPACE, "sr-delete-gone");
    const destroyed = await stack.destroy();
    expect(destroyed.errors).toEqual([]);
    expect(ops(destroyed)).toEqual(["delete", "delete"]);
    expect(entry("sr-delete")).toBeUndefined();
    expect(stack.state.size).toBe(0);
  });

  test("import with id <space>/<repositoryName> adopts a repository connected outside Pulumi", async () => {
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
    expect(torque().requests.slice(mark).filter((r) => r.method !== "GET")).toEqual([]);

    const program = [repository("sr-import", args)];
    expect(changes(await stack.preview(program))).toEqual([]);
    expect(changes(await stack.refresh())).toEqual([]);
    await destroyOk(stack);
  });

  test("import of an id that is not <space>/<name>, or of a repository Torque does not have, fails clearly", async () => {
    const url = `${base()}platform/infra`;
    const malformed = await fx.stack().up([repository("sr-import-bad", withCredential(url), { import: "sr-import-bad" })]);
    expect(messages(malformed)).toContain("sr-import-bad is not a space repository id; use <space>/<repositoryName>");
    const missing = await fx.stack().up([repository("sr-import-missing", withCredential(url), { import: `${SPACE}/sr-import-missing` })]);
    expect(messages(missing)).toContain(`cannot import torque:SpaceRepository ${SPACE}/sr-import-missing: there is no such object`);
  });

  test("deleted outside Pulumi: refresh drops it, up connects it again", async () => {
    const url = project("sr-gone");
    const stack = fx.stack();
    const program = [repository("sr-gone", withCredential(url))];
    await upOk(stack, program);
    torque().removeSpaceRepository(SPACE, "sr-gone");

    const refreshed = await stack.refresh();
    expect(refreshed.errors).toEqual([]);
    expect(ops(refreshed)).toEqual(["refresh-delete"]);
    expect(stack.state.size).toBe(0);

    const up = await upOk(stack, program);
    expect(ops(up)).toEqual(["create"]);
    expect(entry("sr-gone")).toEqual(expectedEntry("sr-gone", url, { credentialName: CREDENTIAL }));
    expect(stack.resource("sr-gone").outputs.status).toBe("Connected");
    await destroyOk(stack);
  });
});
