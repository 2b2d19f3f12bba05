import { changes, Declaration, OperationResult, Stack, StackOptions } from "../../test/harness/stack";
import { tokenEncryption } from "../../test/sandbox";
import { leakedSecrets, useSandbox } from "../../test/support/fixture";

/*
 * enos:GitLabDataSource through the real dynamic provider host, as the engine drives it,
 * against the strict sandbox EnOS (every token request's encryption and every call's
 * signature are verified) and the sandbox GitLab. Every test ends with a clean preview and
 * refresh, and with no secret in anything the stack or the provider host produced. The check
 * and client behaviour that does not need the host is in gitLabDataSource.hooks.test.ts.
 */
const fx = useSandbox();

const SCOPES = ["api", "read_user", "read_repository"];
const SECOND_TOKEN = "glpat-second-sandbox-token";
const SECOND_PROJECT = "platform/ml/models_v2";
const SERVICE = "/data-source-registration/v2.0/data-sources";
const TOKEN_SERVICE = "/apim-token-service/v2.0/token/";
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

beforeAll(() => {
  fx.sandbox.gitlab.addToken({ token: SECOND_TOKEN, name: "second", scopes: SCOPES, userId: 1 });
  fx.sandbox.gitlab.addProject({ path: SECOND_PROJECT, visibility: "private", members: [1] });
});

const enos = () => fx.sandbox.enos;
const gitUrl = (path = "platform/ml/models") => `${fx.sandbox.gitlab.url}/${path}`;
const creator = () => `app:${fx.demo.enosAppKey}`;

/** A declaration of the data source `name` as the resource `models` (or `resource`). */
function source(name: string, args: Record<string, unknown> = {}, opts?: Declaration["opts"], resource = "models"): Declaration {
  return {
    kind: "enos:GitLabDataSource",
    name: resource,
    args: { name, gitUrl: gitUrl(), token: { $secret: fx.demo.gitlabToken }, description: "models for line 3", ...args },
    ...(opts ? { opts } : {}),
  };
}

/** Calls of the Data Source Registration service since the last resetLog, of one action or all. */
const calls = (action?: string) => enos().requests.filter((r) => r.path === SERVICE && (action === undefined || r.query.action === action)).length;
const tokenRequests = () => enos().count({ path: TOKEN_SERVICE });
const record = (id: string) => enos().dataSources().find((d) => d.dataSourceId === id);
const named = (name: string) => enos().dataSources().filter((d) => d.name === name);
const ops = (result: OperationResult) => result.steps.map((s) => s.op);

/** A stack that keeps every operation's result, to look for secrets in all of them. */
class Tracked {
  readonly results: OperationResult[] = [];
  constructor(readonly stack: Stack) {}

  up(program: Declaration[], opts?: { refresh?: boolean }) {
    return this.track(this.stack.up(program, opts));
  }
  preview(program: Declaration[], opts?: { refresh?: boolean }) {
    return this.track(this.stack.preview(program, opts));
  }
  refresh() {
    return this.track(this.stack.refresh());
  }
  destroy() {
    return this.track(this.stack.destroy());
  }
  resource(name = "models") {
    return this.stack.resource(name);
  }
  /** Everything a user or a log could see: checkpoint, host output, errors. */
  texts(): string[] {
    return [
      this.stack.checkpoint(),
      ...this.results.flatMap((r) => [r.hostStdout, r.hostStderr, ...r.programErrors, ...r.errors.map((e) => `${e.message} ${JSON.stringify(e.failures ?? [])}`)]),
    ];
  }
  private async track(operation: Promise<OperationResult>) {
    const result = await operation;
    this.results.push(result);
    return result;
  }
}

const newStack = (options?: StackOptions) => new Tracked(fx.stack(options));

/** The access token EnOS currently holds for the demo application (token/get answers the valid one). */
async function currentAccessToken(): Promise<string> {
  const { enosAppKey: appKey, enosAppSecret: appSecret } = fx.demo;
  const timestamp = Date.now();
  const res = await fetch(`${enos().url}${TOKEN_SERVICE}get`, {
    method: "POST",
    headers: { "Content-Type": "application/json;charset=UTF-8" },
    body: JSON.stringify({ appKey, encryption: tokenEncryption(appKey, timestamp, appSecret), timestamp }),
  });
  return ((await res.json()) as { data: { accessToken: string } }).data.accessToken;
}

/** The end of every lifecycle test: nothing to do, no drift, no secret anywhere. */
async function expectClean(t: Tracked, program: Declaration[], extraSecrets: string[] = []): Promise<void> {
  const preview = await t.preview(program);
  expect(preview.errors).toEqual([]);
  expect(changes(preview)).toEqual([]);
  const refresh = await t.refresh();
  expect(refresh.errors).toEqual([]);
  expect(changes(refresh)).toEqual([]);
  const secrets = [fx.demo.gitlabToken, SECOND_TOKEN, fx.demo.enosAppSecret, await currentAccessToken(), ...extraSecrets];
  expect(leakedSecrets(t.texts(), secrets)).toEqual([]);
  // The sandbox's access tokens are UUIDs: none may show, whichever was current (data source ids are ds-<uuid>).
  expect(t.texts().join("\n").match(/(?<!ds-)\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g) ?? []).toEqual([]);
}

/**
 * Runs `fn` when EnOS executes its next `test` action, i.e. inside `check` of an operation,
 * after the provider got its access token and before create or update: a hook in the middle
 * of one `pulumi up`. Returns the function that removes the hook.
 */
function duringEnosTest(fn: () => void): () => void {
  const server = enos();
  Object.defineProperty(server, "testOverride", {
    configurable: true,
    get: () => {
      fn();
      return undefined; // and the real connection test runs
    },
  });
  return () => Object.defineProperty(server, "testOverride", { configurable: true, writable: true, value: undefined });
}

beforeEach(() => enos().resetLog());

describe("create, read, update, replace, delete", () => {
  test("create: the EnOS record holds exactly what was declared; outputs; no-op preview; refresh without drift", async () => {
    const t = newStack();
    const program = [source("life_create")];
    const up = await t.up(program);
    expect(up.errors).toEqual([]);
    expect(ops(up)).toEqual(["create"]);
    expect(calls("create")).toBe(1);

    const r = t.resource();
    expect(r.id).toMatch(/^ds-/);
    const stored = record(r.id)!;
    expect(stored).toEqual({
      dataSourceId: r.id,
      orgId: fx.demo.enosOrgId,
      createBy: creator(),
      name: "life_create",
      type: "GITLAB",
      description: "models for line 3",
      gitUrl: gitUrl(),
      token: fx.demo.gitlabToken,
      createTime: expect.any(Number),
      updateTime: expect.any(Number),
    });
    expect(r.outputs).toEqual({
      __provider: expect.any(String),
      dataSourceId: r.id,
      name: "life_create",
      type: "GITLAB",
      gitUrl: gitUrl(),
      description: "models for line 3",
      createdAt: new Date(stored.createTime).toISOString(),
      token: fx.demo.gitlabToken,
      preflight: "strict",
      account: { enosApiGateway: fx.sandbox.enos.url, enosOrgId: fx.demo.enosOrgId },
    });
    expect(r.outputs.createdAt).toMatch(ISO);
    expect(r.secretOutputs).toContain("token");
    expect(Object.values(r.outputs).every((v) => v !== undefined && v !== null)).toBe(true);

    enos().resetLog();
    const preview = await t.preview(program);
    expect(preview.errors).toEqual([]);
    expect(changes(preview)).toEqual([]);
    expect(enos().requests).toEqual([]); // no EnOS call at all for an unchanged data source

    // the same URL written differently is no change
    const respelled = await t.preview([source("life_create", { gitUrl: `${gitUrl().replace("http://", "HTTP://")}/` })]);
    expect(changes(respelled)).toEqual([]);

    const refresh = await t.refresh();
    expect(refresh.errors).toEqual([]);
    expect(ops(refresh)).toEqual(["same"]);
    expect(t.resource().outputs).toEqual(r.outputs);
    await expectClean(t, program);
  });

  test("each update is in place: description, gitUrl (another project), token (another token)", async () => {
    const t = newStack();
    await t.up([source("life_update")]);
    const id = t.resource().id;
    const createdAt = t.resource().outputs.createdAt;

    enos().resetLog();
    const description = await t.up([source("life_update", { description: "models for line 4" })]);
    expect(description.errors).toEqual([]);
    expect(ops(description)).toEqual(["update"]);
    expect(calls("update")).toBe(1);
    expect(calls("test")).toBe(0); // connection unchanged: EnOS's own test is not repeated
    expect(record(id)).toMatchObject({ description: "models for line 4", gitUrl: gitUrl(), token: fx.demo.gitlabToken });

    enos().resetLog();
    const url = await t.up([source("life_update", { description: "models for line 4", gitUrl: gitUrl(SECOND_PROJECT) })]);
    expect(url.errors).toEqual([]);
    expect(ops(url)).toEqual(["update"]);
    expect(calls("test")).toBe(1); // a new connection is tested from EnOS's side
    expect(record(id)).toMatchObject({ gitUrl: gitUrl(SECOND_PROJECT), description: "models for line 4" });

    enos().resetLog();
    const program = [source("life_update", { description: "models for line 4", gitUrl: gitUrl(SECOND_PROJECT), token: { $secret: SECOND_TOKEN } })];
    const token = await t.up(program);
    expect(token.errors).toEqual([]);
    expect(ops(token)).toEqual(["update"]);
    expect(calls("test")).toBe(1);
    expect(record(id)).toMatchObject({ token: SECOND_TOKEN, gitUrl: gitUrl(SECOND_PROJECT) });

    expect(t.resource().id).toBe(id);
    expect(calls("create") + calls("delete")).toBe(0);
    expect(t.resource().outputs).toMatchObject({ dataSourceId: id, createdAt, token: SECOND_TOKEN, gitUrl: gitUrl(SECOND_PROJECT) });
    expect(named("life_update")).toHaveLength(1);
    await expectClean(t, program);
  });

  test("rename = replace: the new data source is created, then the old one deleted", async () => {
    const t = newStack();
    await t.up([source("life_rename_a")]);
    const oldId = t.resource().id;

    enos().resetLog();
    const program = [source("life_rename_b")];
    const preview = await t.preview(program);
    expect(ops(preview)).toEqual(["replace"]);
    expect(calls("create") + calls("delete")).toBe(0);

    const up = await t.up(program);
    expect(up.errors).toEqual([]);
    expect(ops(up)).toEqual(["replace"]);
    const newId = t.resource().id;
    expect(newId).not.toBe(oldId);
    expect(record(oldId)).toBeUndefined();
    expect(named("life_rename_a")).toEqual([]);
    expect(record(newId)).toMatchObject({ name: "life_rename_b", gitUrl: gitUrl(), token: fx.demo.gitlabToken });
    // a new name cannot clash with the old one, so create-before-delete is safe (and the default)
    const order = enos().requests.filter((r) => r.path === SERVICE).map((r) => r.query.action);
    expect(order.indexOf("create")).toBeLessThan(order.indexOf("delete"));
    await expectClean(t, program);

    // The user can still ask for delete-first on a rename.
    enos().resetLog();
    const deleteFirst = [source("life_rename_c", {}, { deleteBeforeReplace: true })];
    expect(ops(await t.up(deleteFirst))).toEqual(["replace"]);
    const deleteFirstOrder = enos().requests.filter((r) => r.path === SERVICE).map((r) => r.query.action);
    expect(deleteFirstOrder.indexOf("delete")).toBeLessThan(deleteFirstOrder.indexOf("create"));
    expect(record(newId)).toBeUndefined();
    await expectClean(t, deleteFirst);
  });

  test("drift made in EnOS shows on preview --refresh and the next up --refresh restores it; deleted there, refresh drops it and up creates it", async () => {
    const t = newStack();
    const program = [source("life_drift")];
    await t.up(program);
    const id = t.resource().id;

    enos().editDataSource(id, { description: "edited in the console", gitUrl: gitUrl(SECOND_PROJECT) });
    enos().resetLog();
    const preview = await t.preview(program, { refresh: true });
    expect(preview.errors).toEqual([]);
    expect(ops(preview)).toEqual(["refresh-update", "update"]);
    expect(calls("update")).toBe(0); // a preview changes nothing
    expect(record(id)).toMatchObject({ description: "edited in the console", gitUrl: gitUrl(SECOND_PROJECT) });

    // (A plain `up` compares with the last known state, as `pulumi up` does: drift needs a refresh.)
    const up = await t.up(program, { refresh: true });
    expect(up.errors).toEqual([]);
    expect(ops(up)).toEqual(["refresh-update", "update"]);
    expect(record(id)).toMatchObject({ description: "models for line 3", gitUrl: gitUrl(), token: fx.demo.gitlabToken });
    expect(t.resource().id).toBe(id);

    // Deleted in the console: refresh drops it, up creates it again.
    enos().removeDataSource(id);
    const refresh = await t.refresh();
    expect(refresh.errors).toEqual([]);
    expect(ops(refresh)).toEqual(["refresh-delete"]);
    expect(t.stack.state.size).toBe(0);
    const again = await t.up(program);
    expect(ops(again)).toEqual(["create"]);
    expect(t.resource().id).not.toBe(id);
    expect(named("life_drift")).toHaveLength(1);
    await expectClean(t, program);
  });

  test("import adopts a seeded data source by its id; a mismatch or an unknown id fails", async () => {
    const seeded = enos().seedDataSource({
      orgId: fx.demo.enosOrgId,
      createBy: creator(),
      name: "life_imported",
      type: "GITLAB",
      description: "seeded in the console",
      gitUrl: gitUrl(),
      token: fx.demo.gitlabToken,
    });
    const t = newStack();

    const mismatch = await t.up([source("life_imported", { description: "something else", gitUrl: gitUrl(SECOND_PROJECT) }, { import: seeded.dataSourceId })]);
    expect(mismatch.errors).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(
          `cannot import enos:GitLabDataSource ${seeded.dataSourceId}: the declared inputs differ from what the server holds: gitUrl (declared "${gitUrl(SECOND_PROJECT)}", found "${gitUrl()}"); description (declared "something else", found "seeded in the console")`,
        ),
      }),
    ]);
    expect(t.stack.state.size).toBe(0);

    const unknown = await t.up([source("life_imported", { description: "seeded in the console" }, { import: "ds-does-not-exist" })]);
    expect(unknown.errors).toEqual([expect.objectContaining({ message: expect.stringMatching(/cannot import enos:GitLabDataSource ds-does-not-exist: there is no such object/) })]);

    // The engine's import step would call Read with the id alone, where a dynamic provider
    // cannot run: the class carries the id into create, which reads and registers nothing.
    enos().resetLog();
    const program = [source("life_imported", { description: "seeded in the console" }, { import: seeded.dataSourceId })];
    const preview = await t.preview(program);
    expect(preview.hostStdout + preview.hostStderr).toContain(`enos:GitLabDataSource ${seeded.dataSourceId}: the import option adopts this existing object`);
    const up = await t.up(program);
    expect(up.errors).toEqual([]);
    expect(ops(up)).toEqual(["create"]);
    expect(calls("create") + calls("update") + calls("delete")).toBe(0);
    expect(t.resource().id).toBe(seeded.dataSourceId);
    expect(t.resource().outputs).toMatchObject({
      dataSourceId: seeded.dataSourceId,
      name: "life_imported",
      type: "GITLAB",
      createdAt: new Date(seeded.createTime).toISOString(),
      description: "seeded in the console",
    });
    expect(record(seeded.dataSourceId)).toEqual(seeded);
    await expectClean(t, program);
    await expectClean(t, [source("life_imported", { description: "seeded in the console" })]);
  });

  test("destroy deletes the record", async () => {
    const t = newStack();
    const program = [source("life_destroy")];
    await t.up(program);
    const id = t.resource().id;
    const destroy = await t.destroy();
    expect(destroy.errors).toEqual([]);
    expect(ops(destroy)).toEqual(["delete"]);
    expect(record(id)).toBeUndefined();
    expect(t.stack.state.size).toBe(0);

  });
});

describe("access tokens and signatures through the provider host", () => {
  test("tokens expired between operations and within one: the up succeeds with one extra token request", async () => {
    const t = newStack();
    await t.up([source("life_expiry")]);
    const id = t.resource().id;

    // Between operations: each `pulumi` command is a new provider process with its own token.
    enos().expireTokens();
    enos().resetLog();
    let issued = enos().tokensIssued;
    const between = await t.up([source("life_expiry", { description: "after expiry" })]);
    expect(between.errors).toEqual([]);
    expect(ops(between)).toEqual(["update"]);
    expect(enos().tokensIssued - issued).toBe(1);
    expect(calls("update")).toBe(1);

    // Within one: the token expires after check used it, before the update is sent.
    enos().resetLog();
    issued = enos().tokensIssued;
    const program = [source("life_expiry", { description: "after expiry", gitUrl: gitUrl(SECOND_PROJECT) })];
    const removeHook = duringEnosTest(() => enos().expireTokens());
    let within: OperationResult;
    try {
      within = await t.up(program);
    } finally {
      removeHook();
    }
    expect(within.errors).toEqual([]);
    expect(ops(within)).toEqual(["update"]);
    expect(calls("test")).toBe(1);
    expect(calls("update")).toBe(2); // 1203, then the one retry with the new token
    // token/get (answered with the token still valid from the last operation), then one renewal
    expect(tokenRequests()).toBe(2);
    expect(enos().tokensIssued - issued).toBe(1);
    expect(enos().requests.filter((r) => r.path === SERVICE).every((r) => r.status === 200)).toBe(true);
    expect(record(id)).toMatchObject({ description: "after expiry", gitUrl: gitUrl(SECOND_PROJECT) });

    // and within a create
    enos().resetLog();
    issued = enos().tokensIssued;
    const both = [...program, source("life_expiry_new", {}, undefined, "second")];
    const removeAgain = duringEnosTest(() => enos().expireTokens());
    let create: OperationResult;
    try {
      create = await t.up(both);
    } finally {
      removeAgain();
    }
    expect(create.errors).toEqual([]);
    expect(ops(create).sort()).toEqual(["create", "same"]);
    expect(calls("create")).toBe(2);
    expect(tokenRequests()).toBe(2);
    expect(enos().tokensIssued - issued).toBe(1);
    expect(named("life_expiry_new")).toHaveLength(1);
    await expectClean(t, both);
  });

});

describe("secrets", () => {
  test("no GitLab token, app secret or access token in the checkpoint, host output or errors; __provider is a thin require closure", async () => {
    const t = newStack();
    const program = [source("life_secrets", { token: { $secret: SECOND_TOKEN } })];
    await t.up(program);
    await t.up([source("life_secrets", { token: { $secret: fx.demo.gitlabToken } })]);
    // failures of several kinds, whose messages must not carry a secret either
    enos().faults.add({ kind: "status", status: 500, path: SERVICE, times: 20 });
    const failed = await t.up([source("life_secrets", { description: "during an outage" })]);
    enos().faults.clear();
    expect(failed.errors).toHaveLength(1);
    const r = t.resource();

    const checkpoint = t.stack.checkpoint();
    expect(checkpoint).toContain("ciphertext");
    expect(checkpoint).not.toContain(fx.demo.gitlabToken);
    expect(checkpoint).not.toContain(SECOND_TOKEN);
    expect(r.secretInputs).toContain("token");
    expect(r.secretOutputs).toContain("token");

    const provider = r.outputs.__provider as string;
    expect(Buffer.byteLength(provider)).toBeLessThanOrEqual(1024);
    expect(provider).toContain('require("pulumi-gitlab-sources/bin/enos/gitLabDataSource.hooks")');
    for (const credential of [fx.demo.enosAppSecret, fx.demo.enosAppKey, fx.demo.enosOrgId, enos().url, fx.demo.gitlabToken, SECOND_TOKEN]) {
      expect(provider).not.toContain(credential);
    }
    expect(r.inputs.__provider).toBe(provider);
    await expectClean(t, [source("life_secrets", { token: { $secret: fx.demo.gitlabToken } })]);
  });

});
