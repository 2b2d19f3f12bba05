/**
 * torque.RepositoryProvider through the real dynamic provider host, against the sandbox
 * Torque and GitLab: every hook of the lifecycle, the answers Torque may give, the input
 * rules (nothing sent when they fail), configuration, secrets and the serialized provider.
 *
 * Tests share one sandbox: each uses its own resource and provider names.
 */
import { UNKNOWN } from "../../test/harness/host";
import { changes, Declaration, OperationResult, Stack } from "../../test/harness/stack";
import type { FaultRule, ProviderRecord } from "../../test/sandbox";
import { leakedSecrets, messages, ops, upOk, useSandbox } from "../../test/support/fixture";

const fx = useSandbox();

const PROVIDERS = "/api/settings/repository_providers";
const TYPE = "gitLabEnterprise";

/** `http://127.0.0.1:<port>`: the sandbox GitLab, no trailing slash. */
const gitlab = () => fx.sandbox.gitlab.url;
const base = () => `${gitlab()}/`;
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

/** Destroys and checks that nothing is left of the stack, in state or in Torque. */
async function destroyOk(stack: Stack): Promise<void> {
  const ids = [...stack.state.values()].map((r) => r.id);
  const result = await stack.destroy();
  expect(result.errors).toEqual([]);
  expect(stack.state.size).toBe(0);
  for (const id of ids) expect(record(id)).toBeUndefined();
}

/** Adds a fault to the sandbox Torque for the duration of `body`. */
async function withFault<T>(rule: FaultRule, body: () => Promise<T>): Promise<T> {
  torque().faults.add(rule);
  try {
    return await body();
  } finally {
    torque().faults.remove(rule);
  }
}

describe("RepositoryProvider: create, read and no drift", () => {
  test("create registers exactly what was declared; a preview proposes nothing; refresh finds no drift", async () => {
    const stack = fx.stack();
    const program = [provider("rp-create", { repos: [repo(MODELS), repo(INFRA)] })];
    const up = await upOk(stack, program);
    expect(ops(up)).toEqual(["create"]);

    const state = stack.resource("rp-create");
    expect(record(state.id)).toEqual({
      id: state.id,
      name: "rp-create",
      type: TYPE,
      baseUrl: base(),
      token: fx.demo.gitlabToken,
      repos: [repo(MODELS), repo(INFRA)],
    });
    expect(state.outputs).toMatchObject({
      providerId: state.id,
      name: "rp-create",
      baseUrl: base(),
      repos: [repo(MODELS), repo(INFRA)],
      type: TYPE,
      token: fx.demo.gitlabToken,
    });
    expect(Object.values(state.outputs)).not.toContain(null);

    expect(changes(await stack.preview(program))).toEqual([]);
    // The order of repos means nothing to Torque: a reordered list is no change.
    expect(changes(await stack.preview([provider("rp-create", { repos: [repo(INFRA), repo(MODELS)] })]))).toEqual([]);
    const refreshed = await stack.refresh();
    expect(refreshed.errors).toEqual([]);
    expect(ops(refreshed)).toEqual(["same"]);
    expect(changes(await stack.preview(program))).toEqual([]);
    await destroyOk(stack);
  });

  test("baseUrl and repos are normalised: HTTP://Host:Port with or without a trailing slash never shows a diff", async () => {
    const port = fx.sandbox.gitlab.port;
    const stack = fx.stack();
    const declared = (baseUrl: string, repoUrl: string) => [provider("rp-normalised", { baseUrl, repos: [repoUrl] })];
    await upOk(stack, declared(`HTTP://LOCALHOST:${port}`, `HTTP://LOCALHOST:${port}/platform/infra/`));
    const id = stack.resource("rp-normalised").id;
    expect(record(id)).toMatchObject({ baseUrl: `http://localhost:${port}/`, repos: [`http://localhost:${port}/platform/infra`] });

    for (const [baseUrl, repoUrl] of [
      [`HTTP://LOCALHOST:${port}/`, `http://localhost:${port}/platform/infra`],
      [`http://localhost:${port}`, `Http://LocalHost:${port}/platform/infra`],
      [`http://localhost:${port}//`, `http://localhost:${port}/platform/infra/`],
    ]) {
      const preview = await stack.preview(declared(baseUrl, repoUrl));
      expect(preview.errors).toEqual([]);
      expect(changes(preview)).toEqual([]);
    }
    expect(changes(await stack.refresh())).toEqual([]);
    expect(torque().count({ method: "PUT", path: PROVIDERS })).toBe(0);
    await destroyOk(stack);
  });

  test("the tolerated create answers: a JSON string, plain text, or an object with id", async () => {
    const stack = fx.stack();
    const program: Declaration[] = [];
    try {
      for (const shape of ["string", "text", "object"] as const) {
        torque().createResponseShape = shape;
        program.push(provider(`rp-answer-${shape}`));
        const up = await upOk(stack, program);
        expect(ops(up)).toContain("create");
        const state = stack.resource(`rp-answer-${shape}`);
        expect(byName(`rp-answer-${shape}`)).toEqual([expect.objectContaining({ id: state.id })]);
        expect(state.outputs.providerId).toBe(state.id);
      }
    } finally {
      torque().createResponseShape = "string";
    }
    expect(changes(await stack.refresh())).toEqual([]);
    await destroyOk(stack);
  });
});

describe("RepositoryProvider: update in place", () => {
  test("name, baseUrl, repos and token each update in place: same providerId, the record changed", async () => {
    const stack = fx.stack();
    await upOk(stack, [provider("rp-update", { name: "rp-update-1" })]);
    const id = stack.resource("rp-update").id;
    const rotated = "glpat-rotated-update-token";
    fx.sandbox.gitlab.addToken({ token: rotated, scopes: ["read_api", "read_repository"], userId: 1 });

    const steps: [string, Record<string, unknown>, Partial<ProviderRecord>][] = [
      ["name", { name: "rp-update-2" }, { name: "rp-update-2" }],
      ["baseUrl", { name: "rp-update-2", baseUrl: otherBase() }, { baseUrl: otherBase() }],
      ["repos", { name: "rp-update-2", baseUrl: otherBase(), repos: [repo(INFRA, otherBase())] }, { repos: [repo(INFRA, otherBase())] }],
      [
        "token",
        { name: "rp-update-2", baseUrl: otherBase(), repos: [repo(INFRA, otherBase())], token: { $secret: rotated } },
        { token: rotated },
      ],
    ];
    for (const [property, args, expected] of steps) {
      const program = [provider("rp-update", args)];
      const update = await stack.up(program);
      expect({ property, errors: update.errors, ops: ops(update) }).toEqual({ property, errors: [], ops: ["update"] });
      expect(stack.resource("rp-update").id).toBe(id);
      expect(stack.resource("rp-update").outputs.providerId).toBe(id);
      expect(record(id)).toMatchObject(expected);
      expect(changes(await stack.preview(program))).toEqual([]);
    }
    expect(record(id)).toEqual({ id, name: "rp-update-2", type: TYPE, baseUrl: otherBase(), token: rotated, repos: [repo(INFRA, otherBase())] });
    expect(torque().providers().filter((p) => p.name.startsWith("rp-update"))).toHaveLength(1);
    expect(stack.checkpoint()).not.toContain(rotated);
    await destroyOk(stack);
  });
});

describe("RepositoryProvider: changes made outside Pulumi", () => {
  test("drift made in Torque shows on preview --refresh, and the next up restores the declared values", async () => {
    const stack = fx.stack();
    const program = [provider("rp-drift", { repos: [repo(INFRA)] })];
    await upOk(stack, program);
    const id = stack.resource("rp-drift").id;
    const declared = record(id);

    torque().editProvider(id, { name: "renamed-in-the-ui", baseUrl: otherBase(), repos: [] });
    const preview = await stack.preview(program, { refresh: true });
    expect(preview.errors).toEqual([]);
    expect(ops(preview)).toEqual(["refresh-update", "update"]);
    expect(record(id)).toMatchObject({ name: "renamed-in-the-ui", repos: [] });
    expect(stack.resource("rp-drift").outputs.name).toBe("rp-drift");

    const restore = await stack.up(program, { refresh: true });
    expect(restore.errors).toEqual([]);
    expect(ops(restore)).toEqual(["refresh-update", "update"]);
    expect(record(id)).toEqual(declared);
    expect(stack.resource("rp-drift").id).toBe(id);
    expect(changes(await stack.preview(program, { refresh: true }))).toEqual([]);
    await destroyOk(stack);
  });

  test("deleted behind the provider's back: refresh drops it, up creates it again", async () => {
    const stack = fx.stack();
    const program = [provider("rp-gone")];
    await upOk(stack, program);
    const id = stack.resource("rp-gone").id;
    torque().removeProvider(id);

    const refreshed = await stack.refresh();
    expect(refreshed.errors).toEqual([]);
    expect(ops(refreshed)).toEqual(["refresh-delete"]);
    expect(stack.state.size).toBe(0);

    const up = await upOk(stack, program);
    expect(ops(up)).toEqual(["create"]);
    const again = stack.resource("rp-gone");
    expect(again.id).not.toBe(id);
    expect(record(again.id)).toMatchObject({ name: "rp-gone", baseUrl: base() });
    await destroyOk(stack);
  });
});

describe("RepositoryProvider: import and destroy", () => {
  test("import adopts a provider made outside Pulumi; then a preview shows no changes", async () => {
    const seeded = torque().seedProvider({ name: "rp-seeded", type: TYPE, baseUrl: base(), token: fx.demo.gitlabToken, repos: [repo(INFRA)] });
    const stack = fx.stack();
    const program = [provider("rp-import", { name: "rp-seeded", repos: [repo(INFRA)] }, { import: seeded.id })];
    const imported = await upOk(stack, program);
    expect(ops(imported)).toEqual(["create"]); // adopted by the provider's create: the engine's import step cannot run a dynamic provider
    expect(stack.resource("rp-import").id).toBe(seeded.id);
    expect(stack.resource("rp-import").outputs).toMatchObject({ providerId: seeded.id, name: "rp-seeded", baseUrl: base(), repos: [repo(INFRA)] });
    expect(record(seeded.id)).toEqual(seeded);

    const plain = [provider("rp-import", { name: "rp-seeded", repos: [repo(INFRA)] })];
    expect(changes(await stack.preview(plain))).toEqual([]);
    expect(changes(await stack.refresh())).toEqual([]);
    expect(stack.checkpoint()).not.toContain(fx.demo.gitlabToken);
    await destroyOk(stack);
  });

  test("import of an id Torque does not have fails and adopts nothing", async () => {
    const stack = fx.stack();
    const result = await stack.up([provider("rp-import-missing", {}, { import: "00000000-0000-0000-0000-000000000000" })]);
    expect(messages(result)).toContain("cannot import torque:RepositoryProvider 00000000-0000-0000-0000-000000000000: there is no such object");
    expect(stack.state.size).toBe(0);
  });

  test("destroy removes the record; a delete of a provider already gone succeeds", async () => {
    const stack = fx.stack();
    await upOk(stack, [provider("rp-destroy"), provider("rp-destroy-gone")]);
    const id = stack.resource("rp-destroy").id;
    torque().removeProvider(stack.resource("rp-destroy-gone").id);

    const destroyed = await stack.destroy();
    expect(destroyed.errors).toEqual([]);
    expect(ops(destroyed).sort()).toEqual(["delete", "delete"]);
    expect(record(id)).toBeUndefined();
    expect(stack.state.size).toBe(0);
  });

  test("a resource removed from the program is deleted from Torque", async () => {
    const stack = fx.stack();
    await upOk(stack, [provider("rp-keep"), provider("rp-drop")]);
    const dropped = stack.resource("rp-drop").id;
    const up = await upOk(stack, [provider("rp-keep")]);
    expect(ops(up).sort()).toEqual(["delete", "same"]);
    expect(record(dropped)).toBeUndefined();
    await destroyOk(stack);
  });
});

describe("RepositoryProvider: Torque's error answers name the cause", () => {
  test("401: a bad torque:token", async () => {
    const stack = fx.stack({ config: { "torque:token": "not-a-torque-token" } });
    const result = await stack.up([provider("rp-401")]);
    expect(messages(result)).toMatch(/Torque rejected the API token \(401 on POST \/api\/settings\/repository_providers\).*torque:token.*TORQUE_TOKEN/);
    expect(stack.state.size).toBe(0);
    expect(byName("rp-401")).toEqual([]);
    expect(leakedSecrets([messages(result), result.hostStderr, result.hostStdout], ["not-a-torque-token"])).toEqual([]);
  });

  test("403: an API token without Torque Admin permissions", async () => {
    torque().addApiToken("torque-member-token", { admin: false });
    const stack = fx.stack({ config: { "torque:token": "torque-member-token" } });
    const result = await stack.up([provider("rp-403")]);
    expect(messages(result)).toMatch(/Torque refused POST \/api\/settings\/repository_providers \(403\).*Admin permissions/);
    expect(stack.state.size).toBe(0);
    expect(byName("rp-403")).toEqual([]);
  });

  test("409: the name is taken; the message names the existing provider's id and how to import it", async () => {
    const existing = torque().seedProvider({ name: "rp-taken", type: TYPE, baseUrl: base(), token: "glpat-other", repos: [] });
    const stack = fx.stack();
    const result = await stack.up([provider("rp-409", { name: "rp-taken" })]);
    const message = messages(result);
    expect(message).toContain(`repository provider named rp-taken (id ${existing.id})`);
    expect(message).toContain(`import: "${existing.id}"`);
    expect(stack.state.size).toBe(0);
    expect(byName("rp-taken")).toEqual([existing]);

    // Following the advice converges: the import option adopts it (Torque cannot tell who made it, so it is never adopted unasked).
    const adopted = await upOk(stack, [provider("rp-409", { name: "rp-taken" }, { import: existing.id })]);
    expect(ops(adopted)).toEqual(["create"]);
    expect(stack.resource("rp-409").id).toBe(existing.id);
    expect(byName("rp-taken")).toEqual([existing]);
  });

  test("429 with Retry-After is retried and the create succeeds", async () => {
    const stack = fx.stack();
    const before = torque().count({ method: "POST", path: PROVIDERS });
    const up = await withFault({ kind: "rateLimit", retryAfter: 1, method: "POST", path: PROVIDERS, times: 2 }, () => stack.up([provider("rp-429")]));
    expect(up.errors).toEqual([]);
    expect(torque().requests.filter((r) => r.method === "POST" && r.path === PROVIDERS).slice(-3).map((r) => r.status)).toEqual([429, 429, 201]);
    expect(torque().count({ method: "POST", path: PROVIDERS }) - before).toBe(3);
    expect(byName("rp-429")).toHaveLength(1);
    await destroyOk(stack);
  });

  test("429 that never ends: a clear message after bounded retries, nothing created", async () => {
    const stack = fx.stack();
    const started = Date.now();
    const result = await withFault({ kind: "rateLimit", retryAfter: 1, method: "POST", path: PROVIDERS }, () => stack.up([provider("rp-429-forever")]));
    expect(messages(result)).toMatch(/Torque kept rate-limiting POST \/api\/settings\/repository_providers \(429\) after retries; try again later/);
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(stack.state.size).toBe(0);
    expect(byName("rp-429-forever")).toEqual([]);
  });

  test.each([500, 502, 503])("%i on create: the message names the status and the call; no duplicate is left behind", async (status) => {
    const stack = fx.stack();
    const name = `rp-create-${status}`;
    const result = await withFault({ kind: "status", status, method: "POST", path: PROVIDERS }, () => stack.up([provider(name)]));
    expect(messages(result)).toMatch(new RegExp(`Torque answered ${status} to POST /api/settings/repository_providers.*the service may be down`));
    expect(stack.state.size).toBe(0);
    expect(byName(name)).toEqual([]);
  });

  test("5xx on read and delete name the status and the call", async () => {
    const stack = fx.stack();
    await upOk(stack, [provider("rp-5xx")]);
    const id = stack.resource("rp-5xx").id;

    const read = await withFault({ kind: "status", status: 503, method: "GET", path: PROVIDERS }, () => stack.refresh());
    expect(messages(read)).toMatch(/Torque answered 503 to GET \/api\/settings\/repository_providers: Service Unavailable; the service may be down/);
    expect(stack.resource("rp-5xx").id).toBe(id);

    const destroy = await withFault({ kind: "status", status: 502, method: "DELETE", path: PROVIDERS }, () => stack.destroy());
    expect(messages(destroy)).toMatch(new RegExp(`Torque answered 502 to DELETE /api/settings/repository_providers/${id}: Bad Gateway`));
    expect(record(id)).toBeDefined();
    expect(stack.state.size).toBe(1);
    await destroyOk(stack);
  });

  test("500 on update names the status and the call", async () => {
    const stack = fx.stack();
    await upOk(stack, [provider("rp-5xx-update")]);
    const id = stack.resource("rp-5xx-update").id;
    try {
      const update = await withFault({ kind: "status", status: 500, method: "PUT", path: PROVIDERS }, () =>
        stack.up([provider("rp-5xx-update", { name: "rp-5xx-update-renamed" })]),
      );
      expect(record(id)?.name).toBe("rp-5xx-update");
      expect(messages(update)).toMatch(new RegExp(`Torque answered 500 to PUT /api/settings/repository_providers/${id}: Internal Server Error`));
    } finally {
      await destroyOk(stack);
    }
  });

  test("an update of a provider deleted behind Pulumi's back says to refresh", async () => {
    const stack = fx.stack();
    await upOk(stack, [provider("rp-update-gone")]);
    const id = stack.resource("rp-update-gone").id;
    torque().removeProvider(id);
    const update = await stack.up([provider("rp-update-gone", { name: "rp-update-gone-renamed" })]);
    expect(messages(update)).toMatch(new RegExp(`repository provider ${id} no longer exists in Torque; run \`pulumi refresh\``));
    expect(changes(await stack.refresh())).toEqual([{ urn: expect.any(String), op: "refresh-delete" }]);
  });

  test.each([404, 405] as const)("designed routes switched off (%i): refresh, update and delete say the server does not offer them", async (status) => {
    const stack = fx.stack();
    const name = `rp-routes-${status}`;
    await upOk(stack, [provider(name)]);
    const id = stack.resource(name).id;
    torque().designedRoutes = status;
    try {
      const read = await stack.refresh();
      expect(messages(read)).toMatch(new RegExp(`does not offer GET /api/settings/repository_providers \\(${status}\\)`));
      const update = await stack.up([provider(name, { name: `${name}-renamed` })]);
      expect(messages(update)).toMatch(new RegExp(`does not offer (PUT|GET) /api/settings/repository_providers\\S* \\(${status}\\)`));
      const destroy = await stack.destroy();
      expect(messages(destroy)).toMatch(new RegExp(`does not offer (DELETE|GET) /api/settings/repository_providers\\S* \\(${status}\\)`));
      expect(stack.state.size).toBe(1);
    } finally {
      torque().designedRoutes = "on";
    }
    expect(record(id)?.name).toBe(name);
    await destroyOk(stack);
  });
});

describe("RepositoryProvider: bad input is a clear check failure and nothing is sent", () => {
  const port = () => fx.sandbox.gitlab.port;
  const cases: [string, () => Record<string, unknown>, string, RegExp][] = [
    ["an empty name", () => ({ name: "" }), "name", /name must not be empty/],
    ["an over-long name", () => ({ name: "n".repeat(101) }), "name", /name must be at most 100 characters \(got 101\)/],
    ["a baseUrl with user info", () => ({ baseUrl: `http://user:secret@127.0.0.1:${port()}/` }), "baseUrl", /baseUrl must not contain user info/],
    ["a baseUrl with a query", () => ({ baseUrl: `${base()}?private=1` }), "baseUrl", /baseUrl must not have a query/],
    ["a baseUrl with a fragment", () => ({ baseUrl: `${base()}#top` }), "baseUrl", /baseUrl must not have a fragment/],
    ["a baseUrl with a non-http scheme", () => ({ baseUrl: `ssh://127.0.0.1:${port()}/` }), "baseUrl", /baseUrl must use http or https, not ssh/],
    ["a baseUrl without a host", () => ({ baseUrl: "http://" }), "baseUrl", /baseUrl must be an absolute http\(s\) URL/],
    ["a baseUrl that is only a path", () => ({ baseUrl: "/gitlab/" }), "baseUrl", /baseUrl must be an absolute http\(s\) URL/],
    ["a repo outside baseUrl", () => ({ repos: ["http://elsewhere.example.com/team/assets"] }), "repos[0]", /does not lie under baseUrl/],
    ["the server root itself as a repo", () => ({ repos: [base()] }), "repos[0]", /does not lie under baseUrl/],
    ["duplicate repos", () => ({ repos: [repo(INFRA), `${repo(INFRA)}/`] }), "repos[1]", /is listed twice/],
    ["an empty token", () => ({ token: { $secret: "" } }), "token", /token must not be empty/],
    ["no token", () => ({ token: undefined }), "token", /token is required/],
  ];

  test.each(cases)("%s", async (_what, args, property, reason) => {
    const stack = fx.stack();
    const torqueBefore = torque().requests.length;
    const gitlabBefore = fx.sandbox.gitlab.requests.length;
    const declaration = provider("rp-bad-input", args());
    for (const result of [await stack.preview([declaration]), await stack.up([declaration])]) {
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0].failures).toEqual([{ property, reason: expect.stringMatching(reason) }]);
      expect(result.steps).toEqual([]);
    }
    expect(stack.state.size).toBe(0);
    expect(torque().requests.length).toBe(torqueBefore);
    expect(fx.sandbox.gitlab.requests.length).toBe(gitlabBefore);
  });

  test("missing Torque credentials: the failure names both ways to set them", async () => {
    const stack = new Stack({ env: { TORQUE_TOKEN: "", TORQUE_URL: "", TORQUE_HOST: "" } });
    const torqueBefore = torque().requests.length;
    const result = await stack.up([provider("rp-no-credentials")]);
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].failures).toEqual([
      { property: "torque:token", reason: expect.stringMatching(/pulumi config set --secret torque:token.*TORQUE_TOKEN/) },
    ]);
    expect(stack.state.size).toBe(0);
    expect(torque().requests.length).toBe(torqueBefore);
  });
});

describe("RepositoryProvider: configuration", () => {
  test.each(["TORQUE_URL", "TORQUE_HOST"])("without torque config, %s and TORQUE_TOKEN from the environment are used", async (urlVariable) => {
    const env = { TORQUE_URL: "", TORQUE_HOST: "", [urlVariable]: torque().url, TORQUE_TOKEN: fx.demo.torqueToken };
    const stack = new Stack({ env });
    const name = `rp-env-${urlVariable.toLowerCase()}`;
    const up = await upOk(stack, [provider(name)]);
    expect(ops(up)).toEqual(["create"]);
    expect(record(stack.resource(name).id)).toMatchObject({ name, baseUrl: base() });
    expect(changes(await stack.refresh())).toEqual([]);
    expect(stack.resource(name).outputs.__provider).not.toContain(fx.demo.torqueToken);
    await destroyOk(stack);
  });

  test("stack config wins over the environment", async () => {
    const stack = fx.stack({ env: { TORQUE_URL: "http://127.0.0.1:1/", TORQUE_TOKEN: "not-a-torque-token" } });
    await upOk(stack, [provider("rp-config-wins")]);
    expect(byName("rp-config-wins")).toHaveLength(1);
    await destroyOk(stack);
  });

  test("many resources in one up: every concurrent first call sees the configuration", async () => {
    const stack = fx.stack({ parallel: 32 });
    const names = Array.from({ length: 24 }, (_, i) => `rp-many-${i}`);
    const up = await upOk(stack, names.map((n) => provider(n)));
    expect(ops(up)).toEqual(names.map(() => "create"));
    for (const n of names) expect(byName(n)).toEqual([expect.objectContaining({ id: stack.resource(n).id })]);
    expect(messages(up)).toBe("");
    const refreshed = await stack.refresh();
    expect(refreshed.errors).toEqual([]);
    expect(changes(refreshed)).toEqual([]);
    await destroyOk(stack);
  });
});

describe("RepositoryProvider: secrets and the serialized provider", () => {
  test("neither the GitLab token nor the Torque API token appears in state or in anything the host printed", async () => {
    const stack = fx.stack();
    const rotated = "glpat-rotated-secret-token";
    fx.sandbox.gitlab.addToken({ token: rotated, scopes: ["api", "read_repository"], userId: 1 });
    const results: OperationResult[] = [];
    results.push(await upOk(stack, [provider("rp-secret", { repos: [repo(INFRA)] })]));
    results.push(await stack.preview([provider("rp-secret", { repos: [repo(INFRA)] })]));
    results.push(await stack.refresh());
    results.push(await upOk(stack, [provider("rp-secret", { repos: [repo(INFRA)], token: { $secret: rotated } })]));
    results.push(await withFault({ kind: "status", status: 500, method: "GET", path: PROVIDERS }, () => stack.refresh()));

    const state = stack.resource("rp-secret");
    expect(state.secretInputs).toContain("token");
    expect(state.secretOutputs).toContain("token");
    const checkpoint = stack.checkpoint();
    expect(checkpoint).toContain("ciphertext");
    const secrets = [fx.demo.gitlabToken, rotated, fx.demo.torqueToken];
    const printed = results.flatMap((r) => [r.hostStdout, r.hostStderr, messages(r), ...r.programErrors]);
    expect(leakedSecrets([checkpoint, ...printed], secrets)).toEqual([]);
    await destroyOk(stack);
  });

  test("__provider is a thin require of the installed package, at most 1 KB, with no credential", async () => {
    const stack = fx.stack();
    await upOk(stack, [provider("rp-closure")]);
    const state = stack.resource("rp-closure");
    for (const closure of [state.inputs.__provider, state.outputs.__provider]) {
      expect(typeof closure).toBe("string");
      expect(closure).toContain('require("pulumi-gitlab-sources/bin/torque/repositoryProvider.hooks")');
      expect(Buffer.byteLength(closure as string)).toBeLessThanOrEqual(1024);
      expect(leakedSecrets([closure as string], [fx.demo.gitlabToken, fx.demo.torqueToken, torque().url])).toEqual([]);
    }
    await destroyOk(stack);
  });
});

describe("RepositoryProvider: preview with unknown inputs", () => {
  test("a baseUrl and a token not known at preview: a create is proposed, no error, no GitLab request with an unknown value", async () => {
    const stack = fx.stack();
    const gitlabBefore = fx.sandbox.gitlab.requests.length;
    const torqueBefore = torque().requests.length;
    // An input-derived output of a proposed resource is known at preview (the engine passes the
    // checked inputs through); a computed one such as providerId is not.
    const program: Declaration[] = [
      provider("rp-upstream"),
      provider("rp-unknown-url", { baseUrl: { $ref: "rp-upstream", output: "providerId" }, repos: [repo(INFRA)] }),
      provider("rp-unknown-token", { token: { $ref: "rp-upstream", output: "providerId" }, repos: [repo(INFRA)] }),
    ];
    const preview = await stack.preview(program);
    expect(preview.errors).toEqual([]);
    expect(preview.programErrors).toEqual([]);
    expect(ops(preview)).toEqual(["create", "create", "create"]);
    const sent = fx.sandbox.gitlab.requests.slice(gitlabBefore);
    expect(sent.length).toBeGreaterThan(0);
    for (const r of sent) {
      expect(JSON.stringify(r)).not.toContain(UNKNOWN);
      expect(r.status).toBe(200);
    }
    expect(torque().requests.length).toBe(torqueBefore);
    expect(stack.state.size).toBe(0);
  });
});
